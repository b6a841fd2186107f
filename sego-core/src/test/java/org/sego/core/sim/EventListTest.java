package org.sego.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.sim.Event;
import org.sego.support.SeededCases;

/** The event heap against a sorted map of (time, sequence), with cancels and a crash's filtering. */
class EventListTest {
  static LongStream seeds() {
    return SeededCases.seeds(21, 200);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void eventsComeOutByTimeThenSchedulingOrderAndCancelledOnesNever(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    EventList list = new EventList();
    TreeMap<List<Long>, String> ref = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
        ? Long.compare(a.get(1), b.get(1)) : Long.compare(a.get(0), b.get(0)));
    List<Long> ids = new ArrayList<>();
    Event none = t -> {};
    for (int i = 0, ops = 200 + r.nextInt(2000); i < ops; i++) {
      int op = r.nextInt(10);
      if (op < 5) {
        long t = r.nextInt(r.nextBoolean() ? 10 : 100_000);
        String path = r.nextBoolean() ? "system.guest.x" : "system.hv.y";
        long id = list.add(t, path, none);
        ref.put(List.of(t, id), path);
        ids.add(id);
      } else if (op == 5 && !ids.isEmpty()) {
        long id = ids.get(r.nextInt(ids.size()));
        ref.keySet().removeIf(k -> k.get(1) == id);
        list.cancel(id);
      } else if (op == 6 && !ids.isEmpty()) {
        long id = ids.get(r.nextInt(ids.size()));
        boolean pending = ref.keySet().removeIf(k -> k.get(1) == id && ref.get(k).startsWith("system.hv"));
        assertEquals(pending, list.cancel(id, "system.hv"), "cancel " + id + " under system.hv");
      } else if (op < 9) {
        List<Long> first = ref.isEmpty() ? null : ref.firstKey();
        assertEquals(first != null, list.poll(), "an event is pending");
        if (first != null) {
          assertEquals(first.get(0), list.polledTime);
          assertEquals(ref.remove(first), list.polledPath);
        }
      } else if (r.nextInt(20) == 0) {
        list.retainOnly(p -> p.startsWith("system.hv"));
        ref.values().removeIf(p -> !p.startsWith("system.hv"));
      }
      assertEquals(!ref.isEmpty(), list.hasNext());
      assertEquals(ref.isEmpty() ? Long.MAX_VALUE : ref.firstKey().get(0), list.nextTime());
    }
  }
}
