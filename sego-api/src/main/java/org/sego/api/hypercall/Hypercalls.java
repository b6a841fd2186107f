package org.sego.api.hypercall;

import org.sego.api.Experimental;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;

/** The guest's hypercall instruction, charged {@code hv.hypercall} each time. */
@Experimental("the hypercall catalogue")
public interface Hypercalls {
  HypercallResult call(Hypercall call);

  /** What the strategy offers, so the kernel never probes. */
  Capabilities capabilities();
}
