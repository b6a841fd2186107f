package org.sego.storage;

import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.wiring.VolumeFactory;

/** Opens a volume, and the metadata store on a hypervisor volume; opens a volume in memory, or on an image file that is validated, or created when missing. */
public final class VolumeOpener implements VolumeFactory {
  @Override
  public Volume open(VolumeConfig config) {
    DurableStore store = config.image().<DurableStore>map(p -> ImageFile.open(p, config))
        .orElseGet(() -> new MemoryStore(config.blockSize(), config.blockCount()));
    return new CachedVolume(config, store);
  }

  @Override
  public org.sego.api.storage.MetadataStore openMetadataStore(org.sego.api.storage.TimedVolume volume) {
    return LogStore.open(volume);
  }
}
