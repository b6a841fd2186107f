package org.sego.core.judge;

import org.sego.api.Experimental;

/**
 * A judged run failed: an exception in the attack's hooks, the guest kernel or the strategy. The
 * message names the attack, which run (the twin or the attack run) and the boot.
 */
@Experimental("adversary operations")
public final class RunFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RunFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
