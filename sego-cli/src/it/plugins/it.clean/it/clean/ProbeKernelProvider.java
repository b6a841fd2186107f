package it.clean;

import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.KernelPorts;
import org.sego.api.plugin.GuestKernelProvider;
import org.sego.api.plugin.Parameters;

public final class ProbeKernelProvider extends GuestKernelProvider {
  @Override
  public String name() {
    return "it-probe";
  }

  @Override
  public String description() {
    return "a kernel that tries to reach host objects behind its ports and counts what it got";
  }

  @Override
  public GuestKernel create(KernelPorts ports, Parameters parameters) {
    return new ProbeKernel(ports);
  }
}
