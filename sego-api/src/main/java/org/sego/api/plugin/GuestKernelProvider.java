package org.sego.api.plugin;

import org.sego.api.Experimental;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.KernelPorts;

/**
 * Base for a guest kernel plug-in. A kernel is untrusted: it binds nothing in Guice; the run
 * orchestrator calls {@link #create} with the kernel's ports at each boot.
 */
@Experimental("grows with the guest kernel")
public abstract class GuestKernelProvider implements PluginProvider {
  protected GuestKernelProvider() {}

  @Override
  public final PluginKind kind() {
    return PluginKind.GUEST;
  }

  /** A new kernel for one boot, reaching the machine only through {@code ports}. */
  public abstract GuestKernel create(KernelPorts ports, Parameters parameters);
}
