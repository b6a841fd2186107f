package org.sego.api.posix;

import org.sego.api.Experimental;

/** Signal numbers (Linux's values) and the exit status of a process a signal killed: 128 + signal. */
@Experimental("grows with the guest kernel")
public final class Signals {
  private Signals() {}

  public static final int SIGKILL = 9;
  public static final int SIGUSR1 = 10;
  public static final int SIGSEGV = 11;
  public static final int SIGUSR2 = 12;
  public static final int SIGTERM = 15;
  public static final int SIGCHLD = 17;
  public static final int NSIG = 64;

  public static int killedBy(int signal) {
    return 128 + signal;
  }
}
