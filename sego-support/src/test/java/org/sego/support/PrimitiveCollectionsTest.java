package org.sego.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each primitive collection against the java.util collection it replaces, on seeded operation sequences. */
class PrimitiveCollectionsTest {
  static LongStream seeds() {
    return SeededCases.seeds(11, 200);
  }

  /** Keys from a small range (many collisions, removals of present keys) and some huge or negative ones. */
  private static long key(SplittableRandom r) {
    int k = r.nextInt(10);
    return k == 0 ? r.nextLong() : k == 1 ? -r.nextInt(50) : r.nextInt(k < 5 ? 64 : 5000);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void longLongMapActsAsAHashMap(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    LongLongMap m = new LongLongMap(-7);
    Map<Long, Long> ref = new HashMap<>();
    int ops = 300 + r.nextInt(3000);
    for (int i = 0; i < ops; i++) {
      long k = key(r);
      switch (r.nextInt(6)) {
        case 0, 1 -> {
          Long old = ref.put(k, (long) i);
          assertEquals(old == null ? -7L : old, m.put(k, i), "put " + k);
        }
        case 2 -> {
          Long old = ref.remove(k);
          assertEquals(old == null ? -7L : old, m.remove(k), "remove " + k);
        }
        case 3 -> assertEquals(ref.merge(k, 3L, Long::sum), m.add(k, 3), "add " + k);
        case 4 -> assertEquals(ref.containsKey(k), m.containsKey(k), "contains " + k);
        default -> {
          if (r.nextInt(200) == 0) {
            m.clear();
            ref.clear();
          }
        }
      }
      assertEquals(ref.size(), m.size());
      assertEquals(ref.getOrDefault(k, -7L), m.get(k), "get " + k);
    }
    Map<Long, Long> seen = new HashMap<>();
    m.forEach(seen::put);
    assertEquals(ref, seen, "every entry visited once");
    for (Map.Entry<Long, Long> e : ref.entrySet()) {
      assertEquals(e.getValue(), m.get(e.getKey()));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void longPairMapActsAsAHashMapOfPairs(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    LongPairMap m = new LongPairMap(-7, -9);
    Map<Long, List<Long>> ref = new HashMap<>();
    int ops = 300 + r.nextInt(3000);
    for (int i = 0; i < ops; i++) {
      long k = key(r);
      switch (r.nextInt(6)) {
        case 0, 1 -> assertEquals(ref.put(k, List.of((long) i, -(long) i)) == null, m.put(k, i, -i), "put " + k);
        case 2 -> assertEquals(ref.remove(k) != null, m.remove(k), "remove " + k);
        case 3 -> assertEquals(ref.containsKey(k), m.containsKey(k), "contains " + k);
        default -> {
          if (r.nextInt(200) == 0) {
            m.clear();
            ref.clear();
          }
        }
      }
      assertEquals(ref.size(), m.size());
      List<Long> want = ref.getOrDefault(k, List.of(-7L, -9L));
      assertEquals(want, List.of(m.first(k), m.second(k)), "values of " + k);
    }
    Map<Long, List<Long>> seen = new HashMap<>();
    m.forEach((k, a, b) -> assertNull(seen.put(k, List.of(a, b)), "visited twice: " + k));
    assertEquals(ref, seen, "every entry visited once");
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void runLongMapActsAsAHashMapOfPairs(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    RunLongMap one = new RunLongMap(1);
    RunLongMap two = new RunLongMap(2);
    Map<Long, List<Long>> ref = new HashMap<>();
    int ops = 300 + r.nextInt(3000);
    for (int i = 0; i < ops; i++) {
      // Runs (an id in the high bits, consecutive indices) as well as the scattered keys.
      long k = r.nextBoolean() ? key(r) : (long) r.nextInt(3) << 40 | r.nextInt(1500);
      switch (r.nextInt(6)) {
        case 0, 1 -> {
          long a = i + 1;
          boolean absent = ref.put(k, List.of(a, -a)) == null;
          assertEquals(absent, one.put(k, a), "put " + k);
          assertEquals(absent, two.put(k, a, -a), "put " + k);
        }
        case 2 -> {
          boolean present = ref.remove(k) != null;
          assertEquals(present, one.remove(k), "remove " + k);
          assertEquals(present, two.remove(k), "remove " + k);
        }
        case 3 -> assertEquals(ref.containsKey(k), two.containsKey(k), "contains " + k);
        default -> {
          if (r.nextInt(200) == 0) {
            one.clear();
            two.clear();
            ref.clear();
          }
        }
      }
      assertEquals(ref.size(), one.size());
      assertEquals(ref.size(), two.size());
      List<Long> want = ref.getOrDefault(k, List.of(0L, 0L));
      assertEquals(want.get(0), one.first(k), "value of " + k);
      assertEquals(want, List.of(two.first(k), two.second(k)), "values of " + k);
    }
    Map<Long, List<Long>> seen = new HashMap<>();
    two.forEach((k, a, b) -> assertNull(seen.put(k, List.of(a, b)), "visited twice: " + k));
    assertEquals(ref, seen, "every entry visited once");
    if (ref.isEmpty()) {
      assertTrue(two.allocatedBytes() <= 4L * (2 * 64 + 1) * 8, "a chunk goes with its last key (4 kept for reuse)");
    }
    assertThrows(IllegalArgumentException.class, () -> one.put(5, 0), "a present key's first value is not 0");
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void longObjectMapActsAsAHashMap(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    LongObjectMap<String> m = new LongObjectMap<>();
    Map<Long, String> ref = new HashMap<>();
    for (int i = 0, ops = 300 + r.nextInt(2000); i < ops; i++) {
      long k = key(r);
      int op = r.nextInt(5);
      if (op <= 1) {
        assertEquals(ref.put(k, "v" + i), m.put(k, "v" + i));
      } else if (op == 2) {
        assertEquals(ref.remove(k), m.remove(k));
      } else if (op == 3) {
        assertEquals(ref.get(k), m.get(k));
      } else if (r.nextInt(100) == 0) {
        ref.clear();
        m.clear();
      }
      assertEquals(ref.size(), m.size());
    }
    Map<Long, String> seen = new HashMap<>();
    m.forEach(seen::put);
    assertEquals(ref, seen);
    assertThrows(NullPointerException.class, () -> m.put(1, null));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void denseLinkedSetActsAsALinkedHashSet(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int capacity = 1 + r.nextInt(r.nextBoolean() ? 40 : 20_000);
    DenseLinkedSet s = new DenseLinkedSet(capacity);
    LinkedHashSet<Long> ref = new LinkedHashSet<>();
    for (int i = 0, ops = 300 + r.nextInt(3000); i < ops; i++) {
      long v = r.nextInt(capacity);
      switch (r.nextInt(4)) {
        case 0, 1 -> assertEquals(ref.add(v), s.add(v), "add " + v);
        case 2 -> assertEquals(ref.remove(v), s.remove(v), "remove " + v);
        default -> {
          long first = ref.isEmpty() ? -1 : ref.iterator().next();
          assertEquals(first, s.pollFirst(), "oldest");
          ref.remove(first);
        }
      }
      assertEquals(ref.size(), s.size());
      assertEquals(ref.contains(v), s.contains(v));
    }
    List<Long> order = new ArrayList<>();
    for (long v = s.first(); v >= 0; v = s.next(v)) {
      order.add(v);
    }
    assertEquals(new ArrayList<>(ref), order, "insertion order");
    assertThrows(IndexOutOfBoundsException.class, () -> s.add(capacity));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void frameBitmapActsAsATreeSet(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int range = 1 + r.nextInt(r.nextBoolean() ? 100 : 100_000);
    FrameBitmap b = new FrameBitmap();
    TreeSet<Long> ref = new TreeSet<>();
    for (int i = 0, ops = 300 + r.nextInt(2000); i < ops; i++) {
      long v = r.nextInt(range);
      switch (r.nextInt(4)) {
        case 0, 1 -> assertEquals(ref.add(v), b.add(v));
        case 2 -> assertEquals(ref.remove(v), b.remove(v));
        default -> {
          Long c = ref.ceiling(v);
          Long f = ref.floor(v);
          assertEquals(c == null ? -1 : c, b.ceiling(v), "ceiling " + v);
          assertEquals(f == null ? -1 : f, b.floor(v), "floor " + v);
        }
      }
      assertEquals(ref.size(), b.size());
      assertEquals(ref.isEmpty() ? -1 : ref.first(), b.first());
      assertEquals(ref.isEmpty() ? -1 : ref.last(), b.last());
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void pidTableActsAsATreeMapWhateverThePid(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    PidTable<String> t = new PidTable<>();
    TreeMap<Integer, String> ref = new TreeMap<>();
    for (int i = 0, ops = 100 + r.nextInt(500); i < ops; i++) {
      // Small pids (indexed), pids past the index, and negative ones.
      int pid = r.nextInt(4) == 0 ? 65_530 + r.nextInt(20) : r.nextInt(8) == 0 ? -r.nextInt(5) : r.nextInt(200);
      switch (r.nextInt(4)) {
        case 0, 1 -> {
          t.put(pid, "p" + i);
          ref.put(pid, "p" + i);
        }
        case 2 -> {
          t.remove(pid);
          ref.remove(pid);
        }
        default -> {
          if (r.nextInt(60) == 0) {
            t.clear();
            ref.clear();
          }
        }
      }
      assertEquals(ref.get(pid), t.get(pid), "pid " + pid);
    }
    assertEquals(new ArrayList<>(ref.values()), new ArrayList<>(t.values()), "pid order");
    assertEquals(ref, t.asMap());
    for (int pid : ref.keySet()) {
      assertEquals(ref.get(pid), t.get(pid));
    }
  }

  @Test
  void theKeyZeroAndTheMissingValueAreOrdinary() {
    LongLongMap m = new LongLongMap(0);
    assertFalse(m.containsKey(0));
    assertEquals(0, m.put(0, 5));
    assertTrue(m.containsKey(0));
    assertEquals(6, m.add(0, 1));
    assertEquals(1, m.size());
    assertEquals(6, m.remove(0));
    assertEquals(0, m.size());
    LongObjectMap<String> o = new LongObjectMap<>();
    assertNull(o.get(0));
    o.put(0, "zero");
    assertEquals("zero", o.get(0));
  }
}
