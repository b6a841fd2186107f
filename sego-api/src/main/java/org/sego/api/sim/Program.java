package org.sego.api.sim;

import org.sego.api.Stable;

/**
 * A process's code, in Java. It touches memory and enters the kernel only through its {@link
 * UserContext}; there is no instruction-set interpreter.
 */
@Stable(since = "0.1")
@FunctionalInterface
public interface Program {
  void run(UserContext u);
}
