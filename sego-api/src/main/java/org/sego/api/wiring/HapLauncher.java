package org.sego.api.wiring;

import org.sego.api.hap.HapOutput;

import org.sego.api.hap.HapProgram;

import org.sego.api.Experimental;
import org.sego.api.sim.Program;

/**
 * The trusted library as a service ({@code sego-trustedlib} provides it through {@link
 * java.util.ServiceLoader}): turns a HAP program into a process's program that registers with the
 * hypervisor and runs the HAP on the library.
 */
@Experimental("the trusted-library API")
public interface HapLauncher {
  /** {@code output} receives the HAP's {@link org.sego.api.hap.TrustedRuntime#emit} values. */
  Program launch(HapProgram program, HapOutput output);

  /**
   * An ordinary program (a workload) run as a HAP: it registers, its system calls are interposed,
   * its anonymous memory is protected and its regular files are secure files; a forked child is a
   * HAP too.
   */
  Program launchAsHap(Program program, HapOutput output);
}
