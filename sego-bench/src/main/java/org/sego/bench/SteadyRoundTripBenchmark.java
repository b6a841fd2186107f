package org.sego.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sego.api.posix.Mman;
import org.sego.api.sim.Program;
import org.sego.api.sim.UserContext;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * The round trip of {@link RoundTripBenchmark} in steady state: one system runs for the whole
 * trial (its first pass, its write cache filling and its pools growing happen in the warm-up), and
 * each invocation lets its process make {@link #BATCH} more accesses, each a page fault, a swap-in
 * and the swap-out of a dirty page. Between batches the process's host thread waits on a semaphore:
 * simulated time stands still, so the simulation cannot tell.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// A long warm-up: the first pass, the write cache filling and the JIT all belong to it.
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SteadyRoundTripBenchmark {
  static final int BATCH = 1000;
  private final Semaphore go = new Semaphore(0);
  private final Semaphore done = new Semaphore(0);
  private volatile boolean stop;
  private volatile long swapIns;
  private volatile long hypercallSwapIns;
  private Thread driver;
  private volatile Throwable failure;
  private volatile boolean ended;

  /** Writes every page once, then accesses cycling through them, {@link #BATCH} per permit. */
  Program program() {
    return u -> cycle(u, u.syscalls().mmap(0, (long) RoundTripBenchmark.PAGES << 12, Mman.PROT_READ | Mman.PROT_WRITE,
        Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS));
  }

  /** The loop of {@link #program()} over the pages at {@code base}. */
  final void cycle(UserContext u, long base) {
    int pages = RoundTripBenchmark.PAGES;
    for (int p = 0; p < pages; p++) {
      u.store64(base + ((long) p << 12), p);
    }
    for (long r = 0; ; r++) {
      if (r % BATCH == 0) {
        done.release();
        go.acquireUninterruptibly();
        if (stop) {
          u.syscalls().exit(0);
        }
      }
      long a = base + ((r % pages) << 12);
      u.store64(a, u.load64(a) + 1);
    }
  }

  /** The system the trial runs. */
  SegoSystem system() {
    return RoundTripBenchmark.system();
  }

  /** Starts the looping process on the booted {@code run}. */
  void startProcess(SystemRun run) {
    run.start(program());
  }

  @Setup(Level.Trial)
  public void start() {
    driver = new Thread(() -> {
      try (SystemRun run = system().start()) {
        run.bootGuest();
        startProcess(run);
        run.run();
        swapIns = run.stats().value("system.guest.swap.ins");
        hypercallSwapIns = run.stats().has("system.strategy.swap-ins") ? run.stats().value("system.strategy.swap-ins") : 0;
        if (!stop) {
          failure = new IllegalStateException("the process ended before the benchmark stopped it: "
              + run.exitStatuses());
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        ended = true;
        done.release(); // whoever waits for a batch learns that none will come
      }
    }, "sego-steady-round-trip");
    driver.setDaemon(true);
    driver.start();
    done.acquireUninterruptibly(); // the first pass is over
    check();
  }

  private void check() {
    if (failure != null) {
      throw new IllegalStateException("the simulation failed", failure);
    }
  }

  /** {@link #BATCH} accesses of the running system. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void faultSwapInSwapOutSteady() {
    if (ended) {
      check();
      throw new IllegalStateException("the simulation has ended");
    }
    go.release();
    done.acquireUninterruptibly();
    if (ended) {
      check(); // a batch that did not happen is never timed as one
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    stop = true;
    go.release();
    driver.join(60_000);
    check();
  }

  /** Swap-ins of the whole run, after {@link #stop} (for the test that checks what this measures). */
  long swapIns() {
    return swapIns;
  }

  /** Swap-ins the strategy answered by hypercall, after {@link #stop}. */
  long hypercallSwapIns() {
    return hypercallSwapIns;
  }
}
