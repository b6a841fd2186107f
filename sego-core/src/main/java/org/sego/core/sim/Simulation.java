package org.sego.core.sim;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;
import org.sego.api.sim.Clock;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.CostMeter;
import org.sego.api.sim.Event;
import org.sego.api.sim.EventQueue;
import org.sego.api.sim.Principal;

/**
 * One run's simulated machine time: vCPUs with {@code long}-nanosecond clocks, the event queue and
 * the scheduler. Exactly one thread at a time runs simulation code: it holds the baton. The
 * scheduler resumes the runnable vCPU whose clock is furthest behind and runs each event before
 * any vCPU passes its time; a process thread hands the baton on only when its process blocks,
 * yields, exits or uses up its time slice, so a run is deterministic whatever the host does. The
 * first process runs on the thread that called {@link #run()}: a single-process run creates no
 * thread.
 */
public final class Simulation implements Clock, CostMeter, EventQueue {
  /** A process's body, run on its thread with the baton held. */
  @FunctionalInterface
  public interface ProcessBody {
    void run();
  }

  /** Told when a vCPU starts running a process (the hypervisor asks the strategy for its view). */
  @FunctionalInterface
  public interface SwitchListener {
    void switched(int vcpu, int pid);
  }

  private final Vcpu[] vcpus;
  private final long timeSliceNanos;
  private final long contextSwitchNanos;
  private final EventList events = new EventList();
  private final CostAccounts accounts;
  private final StatsRegistry stats;
  private final Trace trace;
  private final ArrayDeque<SimProcess> runQueue = new ArrayDeque<>();
  private final ProcessTable procs = new ProcessTable();
  private final Semaphore driverDone = new Semaphore(0);
  private Thread driver;
  private Vcpu current;
  /** Time of the event being run, or -1 outside events. */
  private long eventTime = -1;
  private long lastEventTime;
  private volatile boolean aborted;
  private volatile Throwable failure;
  private volatile boolean crashed;
  private long stopAt = Long.MAX_VALUE;
  private SwitchListener switchListener;

  public Simulation(int vcpuCount, long timeSliceNanos, long contextSwitchNanos, StatsRegistry stats, Trace trace) {
    if (vcpuCount < 1) {
      throw new IllegalArgumentException("at least one vCPU");
    }
    this.vcpus = new Vcpu[vcpuCount];
    for (int i = 0; i < vcpuCount; i++) {
      vcpus[i] = new Vcpu(i);
      vcpus[i].idleCategory = CostCategory.IDLE;
    }
    this.timeSliceNanos = timeSliceNanos;
    this.contextSwitchNanos = contextSwitchNanos;
    this.accounts = new CostAccounts(vcpuCount);
    this.stats = stats;
    this.trace = trace;
    this.current = vcpus[0];
  }

  // ---- time -----------------------------------------------------------------------------------

  @Override
  public long nowNanos() {
    return eventTime >= 0 ? eventTime : current.clock;
  }

  @Override
  public void charge(int category, int principal, long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("negative charge " + nanos + " to category " + category);
    }
    if (aborted) {
      // A stopped run: threads unwinding after a crash or a failure change nothing any more.
      throw new SimulationAborted();
    }
    Vcpu v = current;
    if (eventTime > v.clock) {
      // Work done by an event (a daemon, a completion) starts no earlier than the event's time; the
      // gap before it is what the vCPU was waiting for (I/O, if its process blocked on I/O).
      v.advance(eventTime, v.idleCategory, Principal.KERNEL, accounts);
    }
    v.clock += nanos;
    accounts.add(v.id, category, principal, nanos);
    if (eventTime >= 0) {
      // The event's own time moves with its work, so what it does next (a device reservation, a
      // schedule) happens after the work it has charged, not at the instant it fired.
      eventTime = v.clock;
    }
  }

  /** Charges {@code vcpu} rather than the current one (work done as a vCPU switches processes). */
  public void chargeOn(int vcpu, int category, int principal, long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("negative charge " + nanos + " to category " + category);
    }
    if (aborted) {
      throw new SimulationAborted();
    }
    Vcpu v = vcpus[vcpu];
    v.clock += nanos;
    accounts.add(v.id, category, principal, nanos);
  }

  /** Registers the one listener told at every process switch. */
  public void onSwitch(SwitchListener listener) {
    this.switchListener = listener;
  }

  public CostAccounts accounts() {
    return accounts;
  }

  public StatsRegistry stats() {
    return stats;
  }

  public Trace trace() {
    return trace;
  }

  public int vcpuCount() {
    return vcpus.length;
  }

  public long clock(int vcpu) {
    return vcpus[vcpu].clock;
  }

  /** When the last work finished: the latest vCPU clock or the last event, whichever is later. */
  public long completionNanos() {
    long max = lastEventTime;
    for (Vcpu v : vcpus) {
      max = Math.max(max, v.clock);
    }
    return max;
  }

  // ---- events ---------------------------------------------------------------------------------

  @Override
  public long schedule(long atNanos, String componentPath, Event event) {
    if (aborted) {
      throw new SimulationAborted();
    }
    return events.add(Math.max(atNanos, 0), componentPath, event);
  }

  @Override
  public boolean cancel(long id) {
    return events.cancel(id);
  }

  /** Cancels event {@code id} only if it was scheduled under {@code pathPrefix}: a port cancels only its own. */
  public boolean cancel(long id, String pathPrefix) {
    return events.cancel(id, pathPrefix);
  }

  /** Whether the run has stopped (a crash or a failure): unwinding code must not act any more. */
  public boolean stopping() {
    return aborted;
  }

  /** Runs every event due at or before the current vCPU's clock; called at kernel entry and exit. */
  public void pollEvents() {
    if (eventTime >= 0) {
      return;
    }
    if (aborted) {
      throw new SimulationAborted();
    }
    // (nextTime is Long.MAX_VALUE when none is pending, never within a vCPU's clock.)
    for (long t = events.nextTime(); t <= current.clock; t = events.nextTime()) {
      if (t >= stopAt) {
        // The crash comes first: nothing due at or after it happens in this boot.
        crashed = true;
        aborted = true;
        throw new CrashStop();
      }
      fireNext();
    }
  }

  /** Takes the next event off the list and fires it. */
  private void fireNext() {
    events.poll();
    long time = events.polledTime;
    String path = events.polledPath;
    Event event = events.polledEvent;
    long saved = eventTime;
    eventTime = time;
    lastEventTime = Math.max(lastEventTime, time);
    try {
      if (trace.on) {
        trace.record(time, current.id, path, "event", Map.of());
      }
      event.fire(time);
    } finally {
      eventTime = saved;
    }
  }

  // ---- processes ------------------------------------------------------------------------------

  /** Makes process {@code pid} runnable; {@code onExit} receives its status when it ends. */
  public SimProcess spawn(int pid, long cr3, ProcessBody body, IntConsumer onExit) {
    if (procs.alive(pid)) {
      throw new IllegalStateException("process " + pid + " already exists");
    }
    SimProcess p = new SimProcess(pid, cr3, body, onExit);
    p.readyAt = nowNanos();
    procs.put(p);
    runQueue.add(p);
    return p;
  }

  public int currentPid() {
    SimProcess p = eventTime >= 0 ? null : current.current;
    return p == null ? -1 : p.pid;
  }

  public int currentCpu() {
    return current.id;
  }

  private SimProcess proc(int pid) {
    SimProcess p = procs.get(pid);
    if (p == null) {
      throw new IllegalArgumentException("no process " + pid);
    }
    return p;
  }

  /** Whether process {@code pid} exists and has not exited. */
  public boolean alive(int pid) {
    return procs.alive(pid);
  }

  /** The process running on {@code vcpu}, or -1. */
  public int runningOn(int vcpu) {
    SimProcess p = vcpus[vcpu].current;
    return p == null ? -1 : p.pid;
  }

  public long cr3(int pid) {
    return proc(pid).cr3;
  }

  public void setCr3(int pid, long cr3) {
    proc(pid).cr3 = cr3;
  }

  public long[] registers(int pid) {
    return proc(pid).registers;
  }

  private SimProcess running() {
    SimProcess p = current.current;
    if (p == null || eventTime >= 0 || Thread.currentThread() != p.thread) {
      throw new IllegalStateException("no process is running on this thread (called from an event?)");
    }
    return p;
  }

  /** The current process gives up its vCPU and goes to the back of the run queue. */
  public void yieldCurrent() {
    SimProcess p = running();
    releaseVcpu(p, CostCategory.IDLE);
    p.state = SimProcess.State.RUNNABLE;
    p.readyAt = current.clock;
    runQueue.add(p);
    switchAway(p);
  }

  /** The current process sleeps until {@link #wake}; its vCPU's idle time is charged as {@code category}. */
  public void blockCurrent(int category) {
    SimProcess p = running();
    releaseVcpu(p, category);
    p.state = SimProcess.State.BLOCKED;
    switchAway(p);
  }

  public void wake(int pid) {
    SimProcess p = proc(pid);
    if (p.state != SimProcess.State.BLOCKED) {
      return;
    }
    p.state = SimProcess.State.RUNNABLE;
    p.readyAt = nowNanos();
    runQueue.add(p);
  }

  /** At a kernel entry or exit: runs due events and preempts a process whose slice has ended. */
  public void checkpoint() {
    pollEvents();
    SimProcess p = current.current;
    if (p != null && eventTime < 0 && current.clock - p.sliceStart >= timeSliceNanos && !runQueue.isEmpty()) {
      yieldCurrent();
    }
  }

  /** Ends the current process with {@code status}; does not return. */
  public RuntimeException exitCurrent(int status) {
    SimProcess p = running();
    p.exitStatus = status;
    throw ProcessExit.INSTANCE;
  }

  private void releaseVcpu(SimProcess p, int idleCategory) {
    Vcpu v = p.vcpu;
    v.current = null;
    v.idleCategory = idleCategory;
    p.vcpu = null;
  }

  // ---- the scheduler --------------------------------------------------------------------------

  /** Runs until no process is left and no event is pending. Rethrows a failure of any process. */
  public void run() {
    run(Long.MAX_VALUE);
  }

  /**
   * Runs until no process is left and no event is pending, or until simulated time reaches {@code
   * stopAtNanos}: then everything stops where it is, as at a crash, and this returns true.
   */
  public boolean run(long stopAtNanos) {
    if (driver != null) {
      throw new IllegalStateException("a simulation runs once");
    }
    driver = Thread.currentThread();
    stopAt = stopAtNanos;
    try {
      while (true) {
        SimProcess next = pickNext(null);
        if (next == null) {
          break;
        }
        if (next.thread == null) {
          next.thread = driver;
          runBody(next);
          continue;
        }
        next.baton.release();
        driverDone.acquireUninterruptibly();
        break;
      }
    } catch (CrashStop e) {
      stopEverything();
    } catch (SimulationAborted e) {
      // Another thread stopped the run; crashed or failure says why.
    } catch (RuntimeException | Error e) {
      fail(e);
    }
    if (crashed) {
      stopEverything();
      procs.joinThreads(driver);
      return true;
    }
    if (failure != null) {
      if (failure instanceof RuntimeException) {
        throw (RuntimeException) failure;
      }
      if (failure instanceof Error) {
        throw (Error) failure;
      }
      throw new IllegalStateException(failure);
    }
    accounts.verify(clocks());
    return false;
  }

  /**
   * After a guest crash: the guest's processes and pending events are gone, the vCPUs' clocks and
   * cost accounts go on, and the simulation can run the next boot. Waits for the crashed boot's
   * process threads to unwind first, so that none of them runs on into the next boot.
   */
  public void rebootGuest() {
    if (driver == null) {
      throw new IllegalStateException("reboot follows a run");
    }
    procs.joinThreads(driver);
    // stopEverything released the driver's semaphore for a driver that may not have waited.
    driverDone.drainPermits();
    procs.clear();
    runQueue.clear();
    // The hypervisor's and the strategy's events survive the guest; the guest's own (its daemons,
    // the completions of its I/O) die with it.
    events.retainOnly(path -> path.startsWith("system.hv") || path.startsWith("system.strategy"));
    for (Vcpu v : vcpus) {
      v.current = null;
      v.last = null;
      v.idleCategory = CostCategory.IDLE;
    }
    current = vcpus[0];
    driver = null;
    aborted = false;
    failure = null;
    crashed = false;
    stopAt = Long.MAX_VALUE;
    eventTime = -1;
  }

  /** Crashes now, from wherever the simulation is: nothing more runs in this boot. */
  public RuntimeException crashNow() {
    crashed = true;
    aborted = true;
    throw new CrashStop();
  }

  /** Whether the run stopped at its crash time. */
  public boolean crashed() {
    return crashed;
  }

  private void stopEverything() {
    aborted = true;
    procs.releaseBatons();
    driverDone.release();
  }

  public long[] clocks() {
    long[] c = new long[vcpus.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = vcpus[i].clock;
    }
    return c;
  }

  /**
   * Chooses what runs next, running every event that comes first. Returns the process to run (with
   * {@link #current} set to its vCPU), or null when nothing is left.
   */
  private SimProcess pickNext(SimProcess self) {
    while (true) {
      if (aborted) {
        throw new SimulationAborted();
      }
      for (Vcpu v : vcpus) {
        if (v.current == null && !runQueue.isEmpty()) {
          SimProcess p = runQueue.poll();
          v.take(p, accounts, contextSwitchNanos);
          if (switchListener != null) {
            // What the hypervisor does at the switch runs, and is charged, on the vCPU that switches.
            Vcpu saved = current;
            current = v;
            try {
              switchListener.switched(v.id, p.pid);
            } finally {
              current = saved;
            }
          }
        }
      }
      Vcpu best = null;
      for (Vcpu v : vcpus) {
        if (v.current != null && (best == null || v.clock < best.clock)) {
          best = v;
        }
      }
      boolean pending = events.hasNext();
      long evTime = pending ? events.nextTime() : Long.MAX_VALUE;
      long next = Math.min(evTime, best == null ? Long.MAX_VALUE : best.clock);
      if (next >= stopAt && next != Long.MAX_VALUE) {
        crashed = true;
        aborted = true;
        throw new CrashStop();
      }
      if (pending && (best == null || evTime <= best.clock)) {
        if (best == null) {
          // Nothing runs until the event: it fires on the vCPU that is furthest behind.
          current = furthestBehind();
        }
        fireNext();
        continue;
      }
      if (best == null) {
        List<Integer> blocked = procs.blocked();
        if (!blocked.isEmpty()) {
          throw new SimulationDeadlock("deadlock: processes " + blocked + " are blocked and no event is pending");
        }
        return null;
      }
      current = best;
      return best.current;
    }
  }

  private Vcpu furthestBehind() {
    Vcpu best = vcpus[0];
    for (Vcpu v : vcpus) {
      if (v.clock < best.clock) {
        best = v;
      }
    }
    return best;
  }

  /** Hands the baton from {@code self} (which can no longer run now) to whatever runs next. */
  private void switchAway(SimProcess self) {
    SimProcess next = pickNext(self);
    if (next == self) {
      return;
    }
    if (next == null) {
      throw new IllegalStateException("process " + self.pid + " cannot continue and nothing else is pending");
    }
    handTo(next);
    self.baton.acquireUninterruptibly();
    if (aborted) {
      throw new SimulationAborted();
    }
  }

  private void handTo(SimProcess next) {
    if (next.thread == null) {
      Thread t = new Thread(() -> threadMain(next), "sego-process-" + next.pid);
      t.setDaemon(true);
      next.thread = t;
      t.start();
    } else {
      next.baton.release();
    }
  }

  private void threadMain(SimProcess p) {
    try {
      runBody(p);
      SimProcess next = pickNext(null);
      if (next == null) {
        driverDone.release();
      } else {
        handTo(next);
      }
    } catch (SimulationAborted e) {
      // Another part failed or the run crashed; the driver reports it. A crash raised on this thread
      // may arrive as this (a charge while unwinding): the others must still be woken.
      if (crashed) {
        stopEverything();
      }
    } catch (CrashStop e) {
      stopEverything();
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  private void runBody(SimProcess p) {
    try {
      p.body.run();
    } catch (ProcessExit e) {
      // exit() unwinds the program; the status is in the process.
    }
    // The kernel's exit path runs in the exiting process, as Linux's do_exit does: it may still
    // wait (closing a file can read the device).
    p.onExit.accept(p.exitStatus);
    p.state = SimProcess.State.EXITED;
    Vcpu v = p.vcpu;
    if (v != null) {
      v.current = null;
      p.vcpu = null;
    }
  }

  /** Records the first failure and wakes every parked thread so that each unwinds. */
  private void fail(Throwable e) {
    if (failure == null && !(e instanceof SimulationAborted)) {
      failure = e;
    }
    stopEverything();
  }

  /** Per-vCPU time by category and principal ({@code cpu.compute.user} → ns), for stats. */
  public Map<String, Long> timeByCategory(int vcpu) {
    return accounts.byCategory(vcpu);
  }
}
