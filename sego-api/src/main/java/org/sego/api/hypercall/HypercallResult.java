package org.sego.api.hypercall;

import org.sego.api.Experimental;

/** The hypervisor's answer to a hypercall. */
@Experimental("the hypercall catalogue")
public sealed interface HypercallResult {
  /** Done; {@code value} is call-specific (a token, a count, 0). */
  record Ok(long value) implements HypercallResult {}

  /** Not done, and nothing changed; the caller may go on (a refused service is skipped and counted). */
  record Refused(String reason) implements HypercallResult {}

  /** The request broke the strategy's rules; evidence says how. */
  record Violation(String evidence) implements HypercallResult {}

  /** {@code Ok(0)}: one shared instance (records compare by value). */
  HypercallResult OK = new Ok(0);

  static HypercallResult ok() {
    return OK;
  }
}
