package org.sego.core.sim;

/** Unwinds everything when the simulation reaches the crash time: no kernel code runs after it. */
final class CrashStop extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CrashStop() {
    super("crash", null, false, false);
  }
}
