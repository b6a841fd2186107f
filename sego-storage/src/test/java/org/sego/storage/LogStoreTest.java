package org.sego.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.storage.MetadataStore;
import org.sego.api.storage.PowerFailure;
import org.sego.api.storage.TimedVolume;
import org.sego.api.storage.Volume;
import org.sego.api.storage.VolumeException;
import org.sego.api.storage.VolumeKind;
import org.sego.api.wiring.VolumeConfig;
import org.sego.support.SeededCases;

class LogStoreTest {
  @TempDir
  Path dir;

  /** Thrown by {@link Timed} when its write budget runs out: the crash point. */
  static final class CrashPoint extends RuntimeException {
    CrashPoint() {
      super("crash", null, false, false);
    }
  }

  /** A volume timed by a counter, crashing at its {@code budget}-th write or flush. */
  static final class Timed implements TimedVolume {
    final Volume v;
    long budget = Long.MAX_VALUE;
    long now;
    long writes;

    Timed(Volume v) {
      this.v = v;
    }

    private void spend() {
      if (budget-- <= 0) {
        throw new CrashPoint();
      }
    }

    @Override
    public String name() {
      return v.name();
    }

    @Override
    public int blockSize() {
      return v.blockSize();
    }

    @Override
    public long blockCount() {
      return v.blockCount();
    }

    @Override
    public int atomicWriteBytes() {
      return v.atomicWriteBytes();
    }

    @Override
    public long read(long block, byte[] dst, int off) {
      v.read(block, dst, off);
      return ++now;
    }

    @Override
    public long write(long block, byte[] src, int off, boolean fua) {
      spend();
      writes++;
      v.write(block, src, off, fua);
      return ++now;
    }

    @Override
    public long flush() {
      spend();
      v.flush();
      return ++now;
    }
  }

  static Volume memoryVolume(long blocks) {
    return new VolumeOpener().open(new VolumeConfig("hvstore", VolumeKind.HYPERVISOR, 4096, blocks, 512, true, false,
        Optional.empty()));
  }

  static byte[] record(long key, long version, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (key * 31 + version * 7 + i);
    }
    return b;
  }

  static TreeMap<Long, List<Byte>> state(MetadataStore s) {
    TreeMap<Long, List<Byte>> m = new TreeMap<>();
    s.forEach((k, r) -> {
      List<Byte> l = new ArrayList<>();
      for (byte x : r) {
        l.add(x);
      }
      m.put(k, l);
    });
    return m;
  }

  @Test
  void aFreshStoreStartsAtEpochOneAndEachOpenAddsOne() {
    Timed t = new Timed(memoryVolume(64));
    MetadataStore s = LogStore.open(t);
    assertEquals(1, s.bootEpoch());
    s.put(7, record(7, 1, 40));
    s.put(8, record(8, 1, 0));
    s.sync(true);
    long before = t.now;
    MetadataStore again = LogStore.open(t);
    assertTrue(again.readyAt() > before, "the recovery's reads and the epoch write take device time");
    assertEquals(2, again.bootEpoch());
    assertArrayEquals(record(7, 1, 40), again.get(7));
    assertArrayEquals(new byte[0], again.get(8));
    assertEquals(2, again.size());
    assertEquals(3, LogStore.open(t).bootEpoch());
  }

  @Test
  void theEpochIsDurableBeforeTheBootsFirstOtherWrite() {
    Timed t = new Timed(memoryVolume(64));
    LogStore.open(t).sync(true);
    long before = t.writes;
    MetadataStore s = LogStore.open(t);
    assertEquals(before + 1, t.writes, "opening writes the superblock and nothing else");
    // The boot's first write crashes before it lands: the epoch survives a power failure anyway.
    s.put(1, record(1, 1, 8));
    t.budget = 0;
    assertThrows(CrashPoint.class, () -> s.sync(false));
    t.v.powerFail(PowerFailure.loseAll());
    t.budget = Long.MAX_VALUE;
    assertEquals(3, LogStore.open(t).bootEpoch(), "boot 2's epoch was durable: boot 3 never reuses it");
  }

  @Test
  void checkpointsKeepTheLogBoundedWhateverTheRunsLength() {
    Timed t = new Timed(memoryVolume(64));
    MetadataStore s = LogStore.open(t);
    long logBound = 64 - 2 - 2 * ((64 - 2) / 4);
    for (int round = 0; round < 5000; round++) {
      s.put(round % 300, record(round % 300, round, 32));
      if (round % 3 == 0) {
        s.remove((round * 7) % 300);
      }
      s.sync(round % 10 == 0);
      assertTrue(s.logBlocks() <= logBound, "log " + s.logBlocks() + " blocks over its bound " + logBound);
    }
    assertTrue(s.checkpoints() > 10, "checkpoints " + s.checkpoints());
    s.sync(true);
    assertEquals(state(s), state(LogStore.open(t)));
  }

  @Test
  void aRecordLargerThanABlockCanHoldIsRefusedByName() {
    MetadataStore s = LogStore.open(new Timed(memoryVolume(64)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.put(1, new byte[5000]));
    assertTrue(e.getMessage().contains("hvstore") && e.getMessage().contains("5000"), e.getMessage());
  }

  static LongStream crashSeeds() {
    return SeededCases.seeds(0x5e90_57_0e, 200);
  }

  /**
   * Writes a seeded sequence of puts, removals, syncs and checkpoints and crashes at a seeded write;
   * a power failure then keeps a seeded subset of the unflushed writes, torn at 512 bytes (or, as a
   * guest crash would, all of them). The reopened store holds the state of one sync: no older than
   * the last durable sync that completed, no newer than the one in flight.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("crashSeeds")
  void aCrashAnywhereRecoversTheStateOfASync(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Timed t = new Timed(memoryVolume(32 + r.nextInt(64)));
    MetadataStore s = LogStore.open(t);
    List<TreeMap<Long, List<Byte>>> states = new ArrayList<>();
    states.add(state(s));
    int lastDurable = 0;
    t.budget = r.nextInt(400);
    int keys = 1 + r.nextInt(120);
    int syncEvery = 1 + r.nextInt(150); // long batches span blocks: each must recover whole or not at all
    long epochBefore = s.bootEpoch();
    try {
      for (int op = 0; op < 2000; op++) {
        int k = r.nextInt(keys);
        if (r.nextInt(4) == 0) {
          s.remove(k);
        } else {
          s.put(k, record(k, op, r.nextInt(120)));
        }
        if (r.nextInt(syncEvery) == 0) {
          boolean durable = r.nextBoolean();
          states.add(state(s));
          s.sync(durable);
          if (durable) {
            lastDurable = states.size() - 1;
          }
        }
      }
    } catch (CrashPoint crashed) {
      // the machine stops here
    }
    boolean guestCrash = r.nextInt(4) == 0;
    t.v.powerFail(guestCrash ? PowerFailure.keepAll() : PowerFailure.random(r.split()));
    t.budget = Long.MAX_VALUE;
    MetadataStore after = LogStore.open(t);
    TreeMap<Long, List<Byte>> got = state(after);
    int match = -1;
    for (int i = states.size() - 1; i >= lastDurable && match < 0; i--) {
      if (states.get(i).equals(got)) {
        match = i;
      }
    }
    assertTrue(match >= 0, "recovered " + got.size() + " records: not the state of any sync from the last durable one ("
        + lastDurable + " of " + (states.size() - 1) + ")");
    assertTrue(after.bootEpoch() > epochBefore);
    // And it goes on working: another crash-free round trip.
    after.put(99_999, record(1, 2, 3));
    after.sync(true);
    TreeMap<Long, List<Byte>> expected = state(after);
    assertEquals(expected, state(LogStore.open(t)));
  }

  VolumeConfig imageConfig(Path image) {
    return new VolumeConfig("hvstore", VolumeKind.HYPERVISOR, 4096, 64, 512, true, false, Optional.of(image));
  }

  private Path storeImage() {
    Path img = dir.resolve("hv.img");
    try (Volume v = new VolumeOpener().open(imageConfig(img))) {
      MetadataStore s = new VolumeOpener().openMetadataStore(new Timed(v));
      for (int i = 0; i < 50; i++) {
        s.put(i, record(i, 1, 64));
      }
      s.sync(true);
    }
    return img;
  }

  private void assertStoreRefusedUnchanged(Path img, String expected) throws IOException {
    byte[] before = Files.readAllBytes(img);
    try (Volume v = new VolumeOpener().open(imageConfig(img))) {
      VolumeException e = assertThrows(VolumeException.class, () -> new VolumeOpener().openMetadataStore(new Timed(v)));
      assertTrue(e.getMessage().contains("hvstore") && e.getMessage().contains(expected), e.getMessage());
    }
    assertArrayEquals(before, Files.readAllBytes(img), "the refused store is never written");
  }

  @Test
  void aStoreOnAnImageFileSurvivesReopening() {
    Path img = storeImage();
    try (Volume v = new VolumeOpener().open(imageConfig(img))) {
      MetadataStore s = new VolumeOpener().openMetadataStore(new Timed(v));
      assertEquals(50, s.size());
      assertArrayEquals(record(49, 1, 64), s.get(49));
      assertEquals(2, s.bootEpoch());
    }
  }

  @Test
  void aFlippedByteInBothSuperblocksIsRefused() throws IOException {
    Path img = storeImage();
    byte[] b = Files.readAllBytes(img);
    b[ImageFile.HEADER_BYTES + 20] ^= 1;
    b[ImageFile.HEADER_BYTES + 4096 + 20] ^= 1;
    Files.write(img, b);
    assertStoreRefusedUnchanged(img, "superblock corrupted");
  }

  @Test
  void aFlippedByteInTheCheckpointIsRefused() throws IOException {
    Path img = dir.resolve("hv.img");
    try (Volume v = new VolumeOpener().open(imageConfig(img))) {
      MetadataStore s = new VolumeOpener().openMetadataStore(new Timed(v));
      // Enough syncs to fill the log and force a checkpoint.
      for (int i = 0; i < 100; i++) {
        s.put(i, record(i, 1, 64));
        s.sync(false);
      }
      s.sync(true);
      assertTrue(s.checkpoints() > 0);
    }
    byte[] b = Files.readAllBytes(img);
    boolean flipped = false;
    // The checkpoint in use is in one of the two areas: corrupt the first byte past the header of both.
    for (int area = 0; area < 2; area++) {
      int at = ImageFile.HEADER_BYTES + (2 + area * ((64 - 2) / 4)) * 4096 + 40;
      if (b[at - 40] != 0) {
        b[at] ^= 1;
        flipped = true;
      }
    }
    assertTrue(flipped);
    Files.write(img, b);
    assertStoreRefusedUnchanged(img, "checkpoint block 0");
  }

  @Test
  void aVolumeHoldingSomethingElseIsRefused() throws IOException {
    Path img = dir.resolve("hv.img");
    try (Volume v = new VolumeOpener().open(imageConfig(img))) {
      byte[] fs = new byte[4096];
      java.util.Arrays.fill(fs, (byte) 'x');
      v.write(0, fs, 0, true);
    }
    assertStoreRefusedUnchanged(img, "not a Sego metadata store");
  }

  @Test
  void aTruncatedOrForeignImageIsRefusedBeforeTheStoreSeesIt() throws IOException {
    Path img = storeImage();
    byte[] b = Files.readAllBytes(img);
    Files.write(img, java.util.Arrays.copyOf(b, b.length - 4096));
    VolumeException e = assertThrows(VolumeException.class, () -> new VolumeOpener().open(imageConfig(img)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    Path foreign = dir.resolve("thesis.txt");
    Files.writeString(foreign, "chapter 3 ".repeat(2000));
    e = assertThrows(VolumeException.class, () -> new VolumeOpener().open(imageConfig(foreign)));
    assertTrue(e.getMessage().contains("not a Sego volume image"), e.getMessage());
  }
}
