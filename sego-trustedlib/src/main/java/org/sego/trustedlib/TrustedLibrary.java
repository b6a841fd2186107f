package org.sego.trustedlib;

import org.sego.api.wiring.HapLauncher;
import org.sego.api.hap.HapOutput;
import org.sego.api.hap.HapProgram;
import org.sego.api.sim.Program;

/** Starts a HAP on the trusted library: register, set up the bounce area, run the HAP (or an ordinary program as one). */
public final class TrustedLibrary implements HapLauncher {
  @Override
  public Program launch(HapProgram program, HapOutput output) {
    return u -> program.run(new HapRuntime(u, output));
  }

  @Override
  public Program launchAsHap(Program program, HapOutput output) {
    return u -> program.run(new HapRuntime(u, output).asProgram());
  }
}
