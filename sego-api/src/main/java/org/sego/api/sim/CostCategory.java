package org.sego.api.sim;

import java.util.List;
import org.sego.api.Stable;

/**
 * Built-in cost categories as {@code int} ids, so that charging is an array add. Per vCPU the
 * categories sum exactly to its simulated time. A run may register more (see {@code
 * Simulation.categories()}); their ids follow these.
 */
@Stable(since = "0.1")
public final class CostCategory {
  private CostCategory() {}

  public static final int COMPUTE = 0;
  public static final int COPY = 1;
  public static final int ZERO = 2;
  public static final int MEM_WALK = 3;
  public static final int SYSCALL = 4;
  public static final int PAGE_FAULT = 5;
  public static final int CONTEXT_SWITCH = 6;
  public static final int VMEXIT = 7;
  public static final int HYPERCALL = 8;
  public static final int CRYPTO = 9;
  public static final int IO_WAIT = 10;
  public static final int IDLE = 11;

  /** Names of the built-in categories, indexed by id. */
  public static final List<String> BUILT_IN = List.of(
      "cpu.compute", "cpu.copy", "cpu.zero", "mem.walk", "cpu.syscall", "cpu.page-fault",
      "cpu.context-switch", "hv.vmexit", "hv.hypercall", "crypto", "io.wait", "idle");
}
