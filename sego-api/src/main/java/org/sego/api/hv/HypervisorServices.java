package org.sego.api.hv;

import java.util.SplittableRandom;
import org.sego.api.Experimental;
import org.sego.api.cost.CostProfile;
import org.sego.api.hw.EptViews;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.sim.Clock;
import org.sego.api.sim.EventQueue;
import org.sego.api.sim.StatsSink;

/**
 * Everything a real hypervisor gives its protection strategy, as one port bound in the trusted
 * root. A strategy injects this (or {@link PhysicalMemory}, {@link EptViews}, {@link CostProfile},
 * {@link MappingIntents}, which are the same objects); injecting anything else fails at
 * composition with a message listing what may be injected. A host object: never handed to the
 * guest.
 */
@Experimental("grows with the strategies")
public interface HypervisorServices {
  /** The strategy's component path ({@code system.strategy}): its stats and random streams live under it. */
  String path();

  // ---- time and cost --------------------------------------------------------------------------

  /** The run's cost profile: every figure a strategy charges comes from here, never a literal. */
  CostProfile costs();

  /**
   * The id of cost category {@code name} ({@code crypto.aes-gcm}, {@code hv.metadata}), registered on
   * first use; breakdowns and {@code stats.json} name it. The built-in ids of {@link
   * org.sego.api.sim.CostCategory} are also valid.
   */
  int category(String name);

  /** Charges hypervisor work to the vCPU that runs now (an event's work moves the event's time). */
  void charge(int category, long nanos);

  Clock clock();

  EventQueue events();

  /** Counters under {@link #path()}: a path outside it is refused with an error naming both. */
  StatsSink stats();

  /** A random stream derived from the run's seed and {@code path() + "." + name}: the same every run. */
  SplittableRandom random(String name);

  // ---- violations -----------------------------------------------------------------------------

  /**
   * A check failed for process {@code pid} (-1 when no process is concerned): the violation is logged
   * for the judge with its time and {@code evidence}, and the process is halted before it uses the
   * data (at once if it is the running one, else before it next runs). Usable from any handler: an
   * exit, a hypercall, DMA, an event, recovery.
   */
  void violation(int pid, String evidence);

  // ---- memory ---------------------------------------------------------------------------------

  EptViews views();

  PhysicalMemory memory();

  /** Frames the guest can address: gfns {@code [0, guestFrames())}. */
  long guestFrames();

  /** Host frames outside the guest's memory, for the hypervisor's own use. */
  HypervisorFrames frames();

  /**
   * Process {@code pid} now runs in EPT view {@code viewId} (after it registered, say): the shell
   * switches the view if {@code pid} is running, and keeps it at every later switch for which the
   * strategy answers {@link ProtectionStrategy#KEEP_VIEW} (the default).
   */
  void setView(int pid, int viewId);

  // ---- storage --------------------------------------------------------------------------------

  /** The hypervisor-only volumes and the metadata store. */
  HypervisorStorage storage();

  // ---- processes and shared registries -------------------------------------------------------

  GuestProcesses processes();

  /** The one mapping-intent registry of the run (used by {@code sego} and {@code inktag}). */
  MappingIntents intents();
}
