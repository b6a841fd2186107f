package org.sego.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.storage.IoRecord;
import org.sego.api.storage.PowerFailure;
import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.storage.VolumeKind;
import org.sego.support.SeededCases;

class CachedVolumeTest {
  static Volume memoryVolume(boolean writeCache) {
    return new VolumeOpener().open(new VolumeConfig("disk", VolumeKind.GUEST, 4096, 64, 512, writeCache, true,
        Optional.empty()));
  }

  /** A volume whose write cache holds {@code cacheBlocks} blocks; its log keeps bytes if {@code keepData}. */
  static Volume boundedVolume(int cacheBlocks, boolean keepData) {
    return new VolumeOpener().open(new VolumeConfig("disk", VolumeKind.GUEST, 4096, 64, 512, true, keepData,
        Optional.empty(), cacheBlocks * 4096L));
  }

  @Test
  void aFullCacheDestagesItsOldestWritesWhichThenSurviveAPowerFailure() {
    Volume v = boundedVolume(4, false);
    for (int b = 0; b < 6; b++) {
      v.write(b, block(b + 1), 0, false);
    }
    v.write(0, block(42), 0, false); // a newer cached write of a destaged block
    assertEquals(4, v.pendingWrites().size(), "the cache holds its capacity, no more");
    assertArrayEquals(block(42), read(v, 0), "reads see the newest write");
    v.powerFail(PowerFailure.loseAll());
    assertArrayEquals(block(1), read(v, 0), "destaged: durable; the newer cached write is lost");
    assertArrayEquals(block(3), read(v, 2));
    assertArrayEquals(block(0), read(v, 3), "still cached at the failure: lost");
    assertArrayEquals(block(0), read(v, 5));
  }

  @Test
  void theLogKeepsBytesOnlyWhenAskedAndTheHeapDoesNotGrowWithWhatIsWritten() {
    Volume keep = boundedVolume(8, true);
    Volume lean = boundedVolume(8, false);
    for (int i = 0; i < 200; i++) {
      keep.write(i % 64, block(i), 0, false);
      lean.write(i % 64, block(i), 0, false);
    }
    assertEquals(200, lean.log().size());
    assertEquals(0, lean.log().stream().filter(r -> r.data() != null).count(), "offsets and kinds only");
    assertArrayEquals(block(199), keep.log().get(199).data());
    assertEquals(8, lean.pendingWrites().size());
    lean.write(5, block(77), 0, true); // a FUA write supersedes the cached writes of its block
    assertEquals(0, lean.pendingWrites().stream().filter(r -> r.block() == 5).count());
    lean.powerFail(PowerFailure.keepAll());
    assertArrayEquals(block(77), read(lean, 5));
  }

  static byte[] block(int fill) {
    byte[] b = new byte[4096];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  static byte[] read(Volume v, long block) {
    byte[] b = new byte[4096];
    v.read(block, b, 0);
    return b;
  }

  @Test
  void anUnflushedWriteIsReadBackButLostAtPowerFailure() {
    Volume v = memoryVolume(true);
    v.write(3, block(7), 0, false);
    assertArrayEquals(block(7), read(v, 3), "the cache serves reads");
    v.powerFail(PowerFailure.loseAll());
    assertArrayEquals(block(0), read(v, 3));
  }

  @Test
  void aFlushMakesEveryEarlierWriteDurable() {
    Volume v = memoryVolume(true);
    v.write(1, block(1), 0, false);
    v.write(2, block(2), 0, false);
    v.flush();
    v.write(2, block(9), 0, false);
    v.powerFail(PowerFailure.loseAll());
    assertArrayEquals(block(1), read(v, 1));
    assertArrayEquals(block(2), read(v, 2), "the write after the flush is lost, the one before kept");
  }

  @Test
  void aFuaWriteIsDurableAndSupersedesOlderCachedWritesOfItsBlock() {
    Volume v = memoryVolume(true);
    v.write(4, block(1), 0, false);
    v.write(4, block(2), 0, true);
    assertEquals(0, v.pendingWrites().size());
    v.powerFail(PowerFailure.keepAll());
    assertArrayEquals(block(2), read(v, 4), "an older cached write never lands over a FUA write");
  }

  @Test
  void withoutAWriteCacheEveryAcknowledgedWriteIsDurable() {
    Volume v = memoryVolume(false);
    v.write(5, block(5), 0, false);
    v.powerFail(PowerFailure.loseAll());
    assertArrayEquals(block(5), read(v, 5));
  }

  @Test
  void theLogRecordsEveryWriteFuaAndFlushInOrder() {
    Volume v = memoryVolume(true);
    v.write(1, block(1), 0, false);
    v.flush();
    v.write(2, block(2), 0, true);
    List<IoRecord> log = v.log();
    assertEquals(List.of(IoRecord.Op.WRITE, IoRecord.Op.FLUSH, IoRecord.Op.WRITE_FUA),
        log.stream().map(IoRecord::op).toList());
    assertEquals(List.of(0L, 1L, 2L), log.stream().map(IoRecord::seq).toList());
    assertArrayEquals(block(1), log.get(0).data());
  }

  static LongStream seeds() {
    return SeededCases.seeds(0x70_12L, 150);
  }

  /** A torn write keeps whole atomic units of the new data and nothing else; flushed data survives. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void powerFailureTearsWritesAtTheAtomicSizeOnly(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Volume v = memoryVolume(true);
    byte[][] durable = new byte[8][4096];
    for (int b = 0; b < 8; b++) {
      rnd.nextBytes(durable[b]);
      v.write(b, durable[b], 0, false);
    }
    v.flush();
    byte[][] newer = new byte[8][4096];
    for (int b = 0; b < 8; b++) {
      rnd.nextBytes(newer[b]);
      v.write(b, newer[b], 0, false);
    }
    long[] masks = new long[8];
    for (int b = 0; b < 8; b++) {
      masks[b] = rnd.nextLong() & 0xFF;
    }
    v.powerFail((w, units) -> masks[(int) w.block()]);
    for (int b = 0; b < 8; b++) {
      byte[] got = read(v, b);
      for (int u = 0; u < 8; u++) {
        byte[] want = (masks[b] & (1L << u)) != 0 ? newer[b] : durable[b];
        assertArrayEquals(Arrays.copyOfRange(want, u * 512, u * 512 + 512), Arrays.copyOfRange(got, u * 512, u * 512 + 512),
            "seed " + seed + " block " + b + " unit " + u);
      }
    }
  }

  /**
   * A bounded cache against a reference model: random writes, FUA writes and flushes over 16 blocks
   * with a capacity of 1 to 8 blocks; reads always see the newest write, and a power failure that
   * loses every cached write leaves exactly what the model says reached the medium (destaged oldest
   * first, flushed, or written with FUA). Half the writes hand the volume their array ({@code
   * writeOwned}) and scribble on the array it gives back: no array still in use is ever given back.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aBoundedCacheLosesExactlyTheWritesStillCachedAtAPowerFailure(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int capacity = 1 + rnd.nextInt(8);
    Volume v = boundedVolume(capacity, false);
    byte[][] medium = new byte[16][4096];
    byte[][] latest = new byte[16][4096];
    java.util.ArrayDeque<Object[]> cache = new java.util.ArrayDeque<>();
    for (int step = 0; step < 60; step++) {
      int op = rnd.nextInt(10);
      if (op == 0) {
        v.flush();
        for (Object[] w : cache) {
          medium[(int) w[0]] = (byte[]) w[1];
        }
        cache.clear();
        continue;
      }
      int b = rnd.nextInt(16);
      byte[] data = block(rnd.nextInt(256));
      boolean fua = op == 1;
      if (rnd.nextBoolean()) {
        v.write(b, data, 0, fua);
      } else {
        // The volume takes the array itself; the one it gives back is the caller's to scribble on.
        byte[] back = v.writeOwned(b, data.clone(), fua);
        if (back != null) {
          java.util.Arrays.fill(back, (byte) 0x5A);
        }
      }
      latest[b] = data;
      if (fua) {
        cache.removeIf(w -> (int) w[0] == b);
        medium[b] = data;
      } else {
        cache.add(new Object[] {b, data});
        if (cache.size() > capacity) {
          Object[] oldest = cache.removeFirst();
          medium[(int) oldest[0]] = (byte[]) oldest[1];
        }
      }
      assertArrayEquals(latest[b], read(v, b), "seed " + seed + ": reads see the newest write");
    }
    assertEquals(cache.size(), v.pendingWrites().size(), "seed " + seed);
    v.powerFail(PowerFailure.loseAll());
    for (int b = 0; b < 16; b++) {
      assertArrayEquals(medium[b], read(v, b), "seed " + seed + " capacity " + capacity + " block " + b);
    }
  }
}
