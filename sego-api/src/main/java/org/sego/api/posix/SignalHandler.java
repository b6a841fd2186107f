package org.sego.api.posix;

import org.sego.api.sim.UserContext;

import org.sego.api.Experimental;

/**
 * A user-space signal handler. The kernel writes a signal frame (the interrupted registers) to the
 * user stack, runs the handler in user mode, and restores the registers from that frame when the
 * handler returns.
 */
@Experimental("grows with the guest kernel")
@FunctionalInterface
public interface SignalHandler {
  void handle(UserContext u, int signal);
}
