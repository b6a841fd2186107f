package org.sego.api.hw;

import org.sego.api.Experimental;

/**
 * The EPT views of the machine: view 0 is the OS's, mapping all guest memory; a protecting
 * strategy creates one per HAP. A host object.
 */
@Experimental("grows with the HAP work")
public interface EptViews {
  EptView os();

  EptView create(String name);

  EptView get(int id);

  int count();

  /** EPT changes since start that invalidated TLB entries (the hypervisor charges each). */
  default long invalidations() {
    return 0;
  }

  /** 2 MiB EPT entries split into 4 KiB entries since start (the hypervisor charges each). */
  default long splinters() {
    return 0;
  }
}
