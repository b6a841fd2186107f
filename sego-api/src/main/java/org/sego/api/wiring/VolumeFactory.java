package org.sego.api.wiring;

import org.sego.api.storage.Volume;

import org.sego.api.Experimental;

/**
 * Opens volumes ({@code sego-storage} provides it through {@link java.util.ServiceLoader}). An
 * existing image is validated and opened, never overwritten; a missing one is created.
 */
@Experimental("composition and lifecycle")
public interface VolumeFactory {
  /** @throws org.sego.api.storage.VolumeException naming the file and the problem */
  Volume open(VolumeConfig config);
}
