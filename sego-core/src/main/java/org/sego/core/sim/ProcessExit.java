package org.sego.core.sim;

/** Unwinds a process's program when it exits or is killed; preallocated, without a stack trace. */
final class ProcessExit extends RuntimeException {
  private static final long serialVersionUID = 1L;
  static final ProcessExit INSTANCE = new ProcessExit();

  private ProcessExit() {
    super("process exit", null, false, false);
  }
}
