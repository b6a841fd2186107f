package org.sego.support;

import org.sego.api.Experimental;

/** A 64-bit word port onto some physical address space (guest-physical through the OS view, or host). */
@Experimental("helpers for plug-in authors")
public interface Memory64 {
  long load64(long address);

  void store64(long address, long value);
}
