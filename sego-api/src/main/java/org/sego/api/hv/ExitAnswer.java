package org.sego.api.hv;

import org.sego.api.Experimental;

/**
 * The strategy's answer to an {@link EptExit}: retry (it changed something), deny (the access fails:
 * counted; the kernel sees a refusal, a process a fault it cannot survive), or a violation with its
 * evidence (raised through the violation service: the process concerned halts before it uses the data).
 */
@Experimental("grows with the strategies")
public sealed interface ExitAnswer {
  ExitAnswer RETRY = new Retry();
  ExitAnswer DENY = new Deny();

  static ExitAnswer violation(String evidence) {
    return new Violation(evidence);
  }

  record Retry() implements ExitAnswer {}

  record Deny() implements ExitAnswer {}

  record Violation(String evidence) implements ExitAnswer {}
}
