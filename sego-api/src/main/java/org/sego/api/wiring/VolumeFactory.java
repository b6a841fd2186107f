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

  /**
   * Opens the log-structured metadata store on {@code volume}: formats a volume that has never been
   * written, recovers one that holds a store, and writes the new boot epoch before anything else.
   *
   * @throws org.sego.api.storage.VolumeException naming the volume and the problem (not a store,
   *     another format or block size, a corrupted superblock or checkpoint); the volume is not written
   */
  org.sego.api.storage.MetadataStore openMetadataStore(org.sego.api.storage.TimedVolume volume);
}
