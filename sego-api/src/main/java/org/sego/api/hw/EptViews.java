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
}
