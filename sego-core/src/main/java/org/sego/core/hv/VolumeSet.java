package org.sego.core.hv;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.storage.VolumeException;
import org.sego.api.wiring.VolumeFactory;
import org.sego.api.storage.VolumeKind;
import org.sego.core.compose.DeviceSpec;
import org.sego.core.compose.SystemSpec;

/** The run's volumes, one per device: described at composition, opened at start, closed at the end. */
public final class VolumeSet implements AutoCloseable {
  private final Map<String, VolumeConfig> configs = new TreeMap<>();
  private final Map<String, Volume> open = new TreeMap<>();
  /** Blocks at the end of a guest device kept for the hypervisor (volume key {@code hypervisor-region}), by device. */
  private final Map<String, Long> regions = new TreeMap<>();
  /** The devices' own volumes (a device with a region is two {@link RegionVolume}s in {@link #open}). */
  private final Map<String, Volume> whole = new TreeMap<>();
  private final VolumeFactory factory;

  public VolumeSet(SystemSpec spec, VolumeFactory factory, Path baseDir) {
    this.factory = factory;
    boolean keepData = spec.system().bool("keep-io-data");
    for (DeviceSpec d : spec.devices()) {
      var v = d.volume();
      String image = v.string("image");
      Optional<Path> path = image.isEmpty() ? Optional.empty() : Optional.of(baseDir.resolve(image));
      int blockSize = (int) v.dataSize("block-size").bytes();
      configs.put(d.name(), new VolumeConfig(d.name(),
          v.string("access").equals("hypervisor") ? VolumeKind.HYPERVISOR : VolumeKind.GUEST, blockSize,
          v.dataSize("size").bytes() / blockSize, (int) v.dataSize("atomic-write").bytes(), v.bool("write-cache"),
          keepData, path, v.dataSize("write-cache-size").bytes()));
      long region = v.dataSize("hypervisor-region").bytes() / blockSize;
      if (region > 0) {
        regions.put(d.name(), region);
      }
    }
    for (String d : regions.keySet()) {
      if (configs.containsKey(regionName(d))) {
        throw new IllegalArgumentException("devices." + d + ".hypervisor-region: its hypervisor device is named '" + regionName(d)
            + "', which another device already is; rename that device");
      }
    }
  }

  /** Opens every volume (once: a reboot keeps the volumes open); on a failure closes those already open and names the device. */
  public void start() {
    if (!open.isEmpty()) {
      return;
    }
    for (Map.Entry<String, VolumeConfig> e : configs.entrySet()) {
      try {
        Volume v = factory.open(e.getValue());
        whole.put(e.getKey(), v);
        Long region = regions.get(e.getKey());
        if (region == null) {
          open.put(e.getKey(), v);
        } else {
          long guest = v.blockCount() - region;
          open.put(e.getKey(), new RegionVolume(v, e.getKey(), VolumeKind.GUEST, 0, guest));
          open.put(regionName(e.getKey()), new RegionVolume(v, regionName(e.getKey()), VolumeKind.HYPERVISOR, guest, region));
        }
      } catch (VolumeException ex) {
        close();
        throw new VolumeException("device '" + e.getKey() + "': " + ex.getMessage(), ex);
      }
    }
  }

  /** The hypervisor-only device a guest device's {@code hypervisor-region} appears as. */
  public static String regionName(String device) {
    return device + "-hv";
  }

  /** The device {@code name} is the hypervisor region of, or null. */
  String deviceOfRegion(String name) {
    Volume v = open.get(name);
    return v instanceof RegionVolume && v.kind() == VolumeKind.HYPERVISOR ? ((RegionVolume) v).deviceName() : null;
  }

  public Map<String, Volume> volumes() {
    return Collections.unmodifiableMap(open);
  }

  public Volume get(String device) {
    Volume v = open.get(device);
    if (v == null) {
      throw new IllegalArgumentException("no open volume for device '" + device + "'; open: " + open.keySet());
    }
    return v;
  }

  /** Opens the metadata store on hypervisor volume {@code volume}. */
  public org.sego.api.storage.MetadataStore openMetadataStore(org.sego.api.storage.TimedVolume volume) {
    return factory.openMetadataStore(volume);
  }

  /** A power failure: every volume loses what its flush rules allow, as {@code failure} selects. */
  public void powerFail(org.sego.api.storage.PowerFailure failure) {
    for (Volume v : whole.values()) {
      v.powerFail(failure);
    }
  }

  @Override
  public void close() {
    for (Volume v : whole.values()) {
      v.close();
    }
    whole.clear();
    open.clear();
  }
}
