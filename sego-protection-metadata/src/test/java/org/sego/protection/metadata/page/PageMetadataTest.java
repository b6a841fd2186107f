package org.sego.protection.metadata.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.support.SeededCases;

/** The trusted page metadata against a plain model of each frame, on seeded operation sequences. */
class PageMetadataTest {
  static LongStream seeds() {
    return SeededCases.seeds(31, 200);
  }

  /** What the model remembers of one frame. */
  private static final class Ref {
    int owner;
    int state;
    int perms;
    long oid;
    long where;
    long version;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyFieldReadsBackAndEveryVersionIsNewForItsFrame(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long frames = 1 + r.nextInt(r.nextBoolean() ? 100 : 20_000);
    PageMetadata m = new PageMetadata(frames);
    Map<Long, Ref> ref = new HashMap<>();
    Map<Long, Set<Long>> seen = new HashMap<>();
    int epoch = 0;
    for (int step = 0, n = 300 + r.nextInt(2000); step < n; step++) {
      long f = r.nextLong(frames);
      Ref x = ref.computeIfAbsent(f, k -> new Ref());
      switch (r.nextInt(7)) {
        case 0, 1 -> {
          boolean file = r.nextBoolean();
          x.owner = 1 + r.nextInt(5);
          x.oid = file ? 1 + r.nextInt(9) : 0;
          x.where = r.nextInt(1 << 20);
          x.perms = r.nextInt(8);
          x.state = PageMetadata.PRIVATE;
          x.version = file ? m.bindFile(f, x.owner, x.oid, x.where, x.perms, epoch)
              : m.bindAnonymous(f, x.owner, x.where, x.perms, epoch);
          assertTrue(seen.computeIfAbsent(f, k -> new HashSet<>()).add(x.version), "a version never given before");
        }
        case 2 -> {
          if (x.state == PageMetadata.FREE) {
            assertThrows(IllegalStateException.class, () -> m.bumpVersion(f, 0));
          } else {
            x.version = m.bumpVersion(f, epoch);
            assertTrue(seen.get(f).add(x.version), "a version never given before");
          }
        }
        case 3 -> {
          if (x.state != PageMetadata.FREE) {
            x.state = 1 + r.nextInt(3);
            m.setState(f, x.state);
          }
        }
        case 4 -> {
          if (x.state != PageMetadata.FREE) {
            x.perms = r.nextInt(8);
            m.setPermissions(f, x.perms);
          }
        }
        case 5 -> {
          m.release(f);
          x.owner = 0;
          x.state = PageMetadata.FREE;
          x.perms = 0;
          x.oid = 0;
          x.where = 0;
        }
        default -> {
          if (r.nextInt(50) == 0 && epoch < PageMetadata.MAX_EPOCH) {
            epoch++; // a reboot: versions go on in the new epoch
          }
        }
      }
      assertEquals(x.owner, m.owner(f));
      assertEquals(x.state, m.state(f));
      assertEquals(x.perms, m.permissions(f));
      assertEquals(x.oid, m.oid(f));
      assertEquals(x.oid != 0, m.filePage(f));
      assertEquals(x.where, m.where(f));
      assertEquals(x.version, m.version(f));
      assertEquals(x.state != PageMetadata.FREE && x.oid == 0,
          m.holdsAnonymous(f, x.owner, x.where, x.version), "the swap-in check");
    }
  }

  @Test
  void aSwapInTagMatchesOnlyTheSamePageOfTheSameOwnerAtTheSameVersion() {
    PageMetadata m = new PageMetadata(1 << 20);
    long v = m.bindAnonymous(1000, 3, 77, PageMetadata.READ | PageMetadata.WRITE, 2);
    assertTrue(m.holdsAnonymous(1000, 3, 77, v));
    assertFalse(m.holdsAnonymous(1000, 4, 77, v), "another HAP");
    assertFalse(m.holdsAnonymous(1000, 3, 78, v), "another page");
    long newer = m.bumpVersion(1000, 2);
    assertFalse(m.holdsAnonymous(1000, 3, 77, v), "an older version");
    assertTrue(m.holdsAnonymous(1000, 3, 77, newer));
    assertEquals(2, PageMetadata.epochOf(newer));
    m.release(1000);
    long again = m.bindAnonymous(1000, 3, 77, PageMetadata.READ, 2);
    assertTrue(PageMetadata.counterOf(again) > PageMetadata.counterOf(newer), "rebinding never reuses a version");
    assertEquals(4096L * 24, m.trustedBytes(), "one chunk of 4,096 frames, 24 bytes each");
  }

  @Test
  void badArgumentsAreRefusedNamingTheValueAndWhatIsAccepted() {
    PageMetadata m = new PageMetadata(64);
    assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> m.owner(64)).getMessage().contains("outside 0..63"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> m.bindAnonymous(1, 0, 5, 1, 0)).getMessage()
        .contains("owner 0 outside 1.."));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> m.bindAnonymous(1, 1, 5, 9, 0)).getMessage()
        .contains("permissions 9"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> m.bindFile(1, 1, 0, 5, 1, 0)).getMessage()
        .contains("OID 0"));
    m.bindAnonymous(2, 1, 5, 1, 3);
    assertTrue(assertThrows(IllegalStateException.class, () -> m.bumpVersion(2, 2)).getMessage()
        .contains("epoch 2 before the frame's epoch 3"));
    assertThrows(IllegalArgumentException.class, () -> m.setState(2, PageMetadata.FREE));
  }
}
