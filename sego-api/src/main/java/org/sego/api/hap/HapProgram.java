package org.sego.api.hap;

import org.sego.api.Experimental;

/** The code of a trusted application (HAP): it runs on the trusted library, never on raw system calls. */
@Experimental("the trusted-library API")
@FunctionalInterface
public interface HapProgram {
  void run(TrustedRuntime t);
}
