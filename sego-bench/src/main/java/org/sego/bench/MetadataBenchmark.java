package org.sego.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.ChunkedLongArray;

/**
 * Per-frame metadata lookup and update at 64 Ki and 1 Mi frames (256 MiB and 4 GiB of guest
 * memory), at frames in a fixed pseudo-random order: the chunked struct-of-arrays that the guest's
 * frame table, the swap map and the strategies' per-frame state are built on (three fields per
 * frame, as an owner, a state and a version would be), and the Sego strategy's trusted page
 * metadata ({@link PageMetadata}): its lookup reads a frame's owner, page and version (what a
 * swap-in's tag check reads), its update gives the frame a new version and a state (what a
 * swap-out does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetadataBenchmark {
  @Param({"65536", "1048576"})
  public int frames;
  private ChunkedLongArray owner;
  private ChunkedLongArray state;
  private ChunkedLongArray version;
  private PageMetadata sego;
  private long cursor;

  @Setup
  public void setUp() {
    owner = new ChunkedLongArray(frames);
    state = new ChunkedLongArray(frames);
    version = new ChunkedLongArray(frames);
    for (long f = 0; f < frames; f++) {
      owner.set(f, f + 1);
      state.set(f, 1);
      version.set(f, 1);
    }
    sego = new PageMetadata(frames);
    for (long f = 0; f < frames; f++) {
      sego.bindAnonymous(f, 1 + (int) (f & 7), f, PageMetadata.READ | PageMetadata.WRITE, 0);
    }
  }

  private long next() {
    // An odd multiplier modulo a power of two visits every frame once per cycle, in scattered order.
    cursor = (cursor + 1) & (frames - 1);
    return (cursor * 0x9E3779B1L) & (frames - 1);
  }

  /** Reads a frame's three fields. */
  @Benchmark
  public long lookup() {
    long f = next();
    return owner.get(f) + state.get(f) + version.get(f);
  }

  /** Checks a frame's owner and bumps its version (what a swap-out does to its metadata). */
  @Benchmark
  public long update() {
    long f = next();
    if (owner.get(f) != f + 1) {
      throw new IllegalStateException("frame " + f);
    }
    long v = version.get(f) + 1;
    version.set(f, v);
    state.set(f, v & 3);
    return v;
  }

  /** The Sego metadata of a frame: owner, page and version. */
  @Benchmark
  public long segoLookup() {
    long f = next();
    return sego.owner(f) + sego.where(f) + sego.version(f);
  }

  /** A new version and a state for a frame's Sego metadata. */
  @Benchmark
  public long segoUpdate() {
    long f = next();
    long v = sego.bumpVersion(f, 0);
    sego.setState(f, (v & 1) == 0 ? PageMetadata.PRIVATE : PageMetadata.IN_TRANSIT);
    return v;
  }
}
