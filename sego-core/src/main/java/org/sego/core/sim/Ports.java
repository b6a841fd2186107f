package org.sego.core.sim;

import org.sego.api.sim.Clock;
import org.sego.api.sim.Event;
import org.sego.api.sim.EventQueue;
import org.sego.api.sim.StatsSink;

/**
 * The narrow adapters a principal gets in place of the simulation (DESIGN §2): each
 * exposes its port's interface and nothing else, so a cast, or a method of the host object that
 * the interface does not name, unlocks nothing. The simulation itself charges any principal and
 * sets any stat; these read the clock, schedule events, and count under the guest's own path.
 */
public final class Ports {
  private Ports() {}

  /** The component path under which a guest kernel's stats and events live. */
  public static final String GUEST_PATH = "system.guest.";

  public static Clock clock(Simulation sim) {
    return new ClockPort(sim);
  }

  /**
   * An event queue for one principal: it schedules only under {@code prefix} (its own component
   * path) and cancels only its own events, so the guest can neither pass its events off as the
   * hypervisor's (which survive a guest crash) nor cancel them.
   */
  public static EventQueue events(Simulation sim, String prefix) {
    return new EventPort(sim, prefix);
  }

  public static StatsSink stats(StatsRegistry stats, String prefix) {
    return new PrefixedStats(stats, prefix);
  }

  private static final class ClockPort implements Clock {
    private final Simulation sim;

    ClockPort(Simulation sim) {
      this.sim = sim;
    }

    @Override
    public long nowNanos() {
      return sim.nowNanos();
    }
  }

  private static final class EventPort implements EventQueue {
    private final Simulation sim;
    private final String prefix;

    EventPort(Simulation sim, String prefix) {
      this.sim = sim;
      this.prefix = prefix;
    }

    @Override
    public long schedule(long atNanos, String componentPath, Event event) {
      if (componentPath == null || !componentPath.startsWith(prefix)) {
        throw new IllegalArgumentException("event path '" + componentPath + "' is outside this component's path; its "
            + "events are named " + prefix + "...");
      }
      return sim.schedule(atNanos, componentPath, event);
    }

    @Override
    public boolean cancel(long id) {
      return sim.cancel(id, prefix);
    }
  }

  /**
   * Counters under one component path: a kernel counts its own work, and can neither add to the
   * hypervisor's counters nor set an end-of-run figure.
   */
  private static final class PrefixedStats implements StatsSink {
    private final StatsRegistry stats;
    private final String prefix;

    PrefixedStats(StatsRegistry stats, String prefix) {
      this.stats = stats;
      this.prefix = prefix;
    }

    @Override
    public Counter counter(String path, String unit, String description) {
      if (!path.startsWith(prefix)) {
        throw new IllegalArgumentException("stat '" + path + "' is outside this component's path; its stats are named "
            + prefix + "...");
      }
      Counter c = stats.counter(path, unit, description);
      return new Counter() {
        @Override
        public void add(long delta) {
          c.add(delta);
        }

        @Override
        public long value() {
          return c.value();
        }
      };
    }
  }
}
