package org.sego.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An experimental type: it may change until the crash-consistency and attack work has used it,
 * and then becomes {@link Stable}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE, ElementType.MODULE, ElementType.METHOD, ElementType.CONSTRUCTOR})
@Stable(since = "0.1")
public @interface Experimental {
  /** Why it is not stable yet, or what it waits for. */
  String value() default "";
}
