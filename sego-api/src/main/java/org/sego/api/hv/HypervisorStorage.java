package org.sego.api.hv;

import java.util.List;
import org.sego.api.Experimental;
import org.sego.api.storage.MetadataStore;
import org.sego.api.storage.TimedVolume;

/**
 * The hypervisor's own storage: the spec's devices with {@code access = "hypervisor"}, timed by
 * their device models like any device (their requests and bytes appear under {@code
 * system.devices.<name>}), and the metadata store kept on one of them.
 */
@Experimental("hypervisor storage")
public interface HypervisorStorage {
  /** The hypervisor-only devices, sorted; empty when the spec has none. */
  List<String> devices();

  /** @throws IllegalArgumentException naming the device and the hypervisor devices there are */
  TimedVolume volume(String device);

  /**
   * The metadata store on {@code device}, opened (recovered, and its boot epoch written) on the
   * first call of a boot of the hypervisor; the same store on later calls, including after a guest
   * crash. A power failure ends it: the next boot opens it again from what is durable.
   *
   * @throws org.sego.api.storage.VolumeException naming the device and the problem when its image is
   *     not a store, is of another format, or is corrupted
   */
  MetadataStore metadataStore(String device);
}
