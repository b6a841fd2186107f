package org.sego.api.hap;

import org.sego.api.Experimental;

/** Where a HAP's emitted values go: the trusted side's log, which the judge reads. */
@Experimental("the trusted-library API")
@FunctionalInterface
public interface HapOutput {
  void emit(int pid, String label, long value);
}
