package org.sego.core.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.sego.api.Experimental;
import org.sego.api.storage.IoRecord;
import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.wiring.VolumeFactory;
import org.sego.api.storage.VolumeKind;

/**
 * Builds crash states from a volume's I/O log, without re-running anything, and writes them as
 * volume images a new boot can mount.
 */
@Experimental("crash orchestration")
public final class CrashImages {
  private CrashImages() {}

  /**
   * The blocks on the medium after a crash right after record {@code last}: a guest crash keeps
   * every acknowledged write; a power failure keeps writes before the last completed flush and FUA
   * writes, and loses the rest (no torn writes here).
   */
  public static Map<Long, byte[]> afterCrash(List<IoRecord> log, int last, boolean powerFailure) {
    int lastFlush = -1;
    for (int i = 0; i <= last; i++) {
      if (log.get(i).op() == IoRecord.Op.FLUSH) {
        lastFlush = i;
      }
    }
    Map<Long, byte[]> blocks = new TreeMap<>();
    for (int i = 0; i <= last; i++) {
      IoRecord r = log.get(i);
      boolean durable = !powerFailure || i < lastFlush || r.op() == IoRecord.Op.WRITE_FUA;
      if (r.op() != IoRecord.Op.FLUSH && durable) {
        if (r.data() == null) {
          throw new IllegalArgumentException("the I/O log kept no data for record " + r.seq()
              + "; set system.keep-io-data = true to build crash states from it");
        }
        blocks.put(r.block(), r.data());
      }
    }
    return blocks;
  }

  /** Writes {@code blocks} into a new guest volume image at {@code image} (replacing an image made before). */
  public static void writeImage(Path image, int blockSize, long blockCount, Map<Long, byte[]> blocks) {
    try {
      Files.deleteIfExists(image);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot replace " + image, e);
    }
    VolumeFactory factory = ServiceLoader.load(VolumeFactory.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("no VolumeFactory on the module path (sego-storage)"));
    try (Volume v = factory.open(new VolumeConfig("crash-image", VolumeKind.GUEST, blockSize, blockCount, 512, true,
        false, Optional.of(image)))) {
      for (var e : blocks.entrySet()) {
        v.write(e.getKey(), e.getValue(), 0, false);
      }
      v.flush();
    }
  }
}
