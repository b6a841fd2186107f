package org.sego.api.hv;

import org.sego.api.Experimental;

/**
 * The strategy's answer to an {@link EptExit}: retry (it changed something), deny (the access fails:
 * counted; the kernel sees a refusal, a process a fault it cannot survive), or a violation with its
 * evidence, raised through the violation service for the process it names: {@link
 * #violation(String)} names the process whose own access exited (a {@code USER} exit; for a kernel or
 * DMA access it names none), {@link #violation(int, String)} the HAP concerned — the owner of the
 * frame, which the kernel may have touched while running for another process or in an event.
 */
@Experimental("grows with the strategies")
public sealed interface ExitAnswer {
  ExitAnswer RETRY = new Retry();
  ExitAnswer DENY = new Deny();

  static ExitAnswer violation(String evidence) {
    return new Violation(-1, evidence);
  }

  /** A violation for process {@code pid}: it halts before it uses the data. */
  static ExitAnswer violation(int pid, String evidence) {
    return new Violation(pid, evidence);
  }

  record Retry() implements ExitAnswer {}

  record Deny() implements ExitAnswer {}

  /** {@code pid} -1: the process whose own access exited, if it was one. */
  record Violation(int pid, String evidence) implements ExitAnswer {}
}
