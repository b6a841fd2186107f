package org.sego.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A stable type: it only grows by {@code default} methods, and plug-ins compiled against an older
 * version keep working.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE, ElementType.MODULE})
@Stable(since = "0.1")
public @interface Stable {
  /** The version in which the type became stable. */
  String since();
}
