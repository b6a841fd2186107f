package org.sego.api.attack;

import org.sego.api.Experimental;

/** One attack: the hooks it installs, acting through {@link AdversaryOps}; its twin installs the same hooks and answers honestly. */
@Experimental("adversary operations")
public interface Attack {
  KernelHooks hooks(AdversaryOps ops, boolean benignTwin);
}
