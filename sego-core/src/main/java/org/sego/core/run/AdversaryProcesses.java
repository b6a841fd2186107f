package org.sego.core.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sego.api.hw.EptView;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.api.sim.Program;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.sim.Simulation;

/**
 * The adversary's own processes: the kernel starts each as a puppet with no code, which yields
 * until the victim has ended (at most {@link #PUPPET_LIFETIME_NANOS}), and puts back the page-table
 * entries the adversary's mappings replaced before it exits, so the kernel frees only its own
 * frames. Reads and writes as such a process go through its translation and EPT view; as any other
 * process (the victim) they are refused: the kernel never runs in a HAP's user mode. Every call is
 * logged; the caller checks that the boot runs.
 */
final class AdversaryProcesses {
  /** How long a process of the adversary's own lives at most (simulated): it must never keep a boot alive. */
  static final long PUPPET_LIFETIME_NANOS = 1_000_000_000L;

  private final Simulation sim;
  private final Mmu mmu;
  private final HypervisorShell shell;
  private final AdversaryLog log;
  private final LoggingAdversaryOps.Run run;
  private final GuestPageTables tables;
  /** Each process the adversary created, with the entries its mappings replaced (slot, old entry, page). */
  private final Map<Integer, List<long[]>> own = new HashMap<>();
  /** Initial stack pointer of each of them. */
  private final Map<Integer, Long> initialRsp = new HashMap<>();

  AdversaryProcesses(Simulation sim, Mmu mmu, HypervisorShell shell, AdversaryLog log, LoggingAdversaryOps.Run run,
      GuestPageTables tables) {
    this.sim = sim;
    this.mmu = mmu;
    this.shell = shell;
    this.log = log;
    this.run = run;
    this.tables = tables;
  }

  /** A process of the adversary's own, started by the kernel; its pid, or -1. */
  int create() {
    int[] self = {-1};
    long born = sim.nowNanos();
    Program puppet = u -> {
      // No code of its own: it yields until the victim has ended (or its lifetime is over), gives
      // back the entries its mappings replaced (the kernel frees only its own frames), and exits.
      try {
        while (!run.victimEnded().getAsBoolean() && sim.nowNanos() - born < PUPPET_LIFETIME_NANOS) {
          u.syscalls().yield();
        }
      } finally {
        if (!sim.stopping()) {
          restore(self[0]);
        }
      }
      u.syscalls().exit(0);
    };
    int pid;
    try {
      if (run.kernel() == null) {
        throw new IllegalStateException("no guest kernel is booted");
      }
      pid = run.start().applyAsInt(puppet);
    } catch (RuntimeException e) {
      log.add(sim.nowNanos(), "create-process", "", false, "the kernel could not: " + e.getMessage(), null);
      return -1;
    }
    self[0] = pid;
    own.put(pid, new ArrayList<>());
    initialRsp.put(pid, sim.registers(pid)[org.sego.api.sim.Registers.RSP]);
    log.add(sim.nowNanos(), "create-process", "pid " + pid, true, "created", null);
    return pid;
  }

  private void restore(int pid) {
    List<long[]> replaced = own.getOrDefault(pid, List.of());
    for (int i = replaced.size() - 1; i >= 0; i--) {
      tables.store(replaced.get(i)[0], replaced.get(i)[1]);
      mmu.invalidatePage(sim.cr3(pid), replaced.get(i)[2]);
    }
    replaced.clear();
  }

  /** The lowest and one past the highest address of an own process's stack, or null. */
  long[] stackOf(int pid) {
    if (!own.containsKey(pid)) {
      return null;
    }
    long top = (initialRsp.get(pid) + X86.PAGE_SIZE - 1) & ~(long) X86.PAGE_MASK;
    return new long[] {top - 16L * X86.PAGE_SIZE, top};
  }

  /** Maps {@code gfn} at {@code gva} in an own process's stack, the kernel building the tables. */
  boolean map(int pid, long gva, long gfn, boolean writable) {
    String target = "pid " + pid + " 0x" + Long.toHexString(gva) + " -> gfn " + gfn;
    long[] stack = own.containsKey(pid) ? stackOf(pid) : null;
    if (stack == null || gva < stack[0] || gva >= stack[1]) {
      log.add(sim.nowNanos(), "map-frame", target, false, stack == null ? "not a process the adversary created"
          : "outside its stack 0x" + Long.toHexString(stack[0]) + "..0x" + Long.toHexString(stack[1]), null);
      return false;
    }
    long page = gva & ~(long) X86.PAGE_MASK;
    boolean[] huge = new boolean[1];
    long slot = tables.leafSlot(pid, page, huge);
    if (slot < 0 || (tables.load(slot) & X86.PTE_P) == 0) {
      // The kernel builds the tables (and maps a frame of its own, which the new entry replaces);
      // its fault path runs here, inside the hook, and may run other hooks.
      run.kernel().pageFault(pid, page, X86.PF_W | X86.PF_U);
      slot = tables.leafSlot(pid, page, huge);
    }
    long old = slot < 0 ? -1 : tables.load(slot);
    boolean ok = slot >= 0 && !huge[0] && old != -1;
    if (ok) {
      long entry = (gfn << X86.PAGE_SHIFT) | X86.PTE_P | X86.PTE_US | (writable ? X86.PTE_RW : 0);
      ok = tables.store(slot, entry);
      if (ok) {
        own.get(pid).add(new long[] {slot, old, page});
        mmu.invalidatePage(sim.cr3(pid), page);
      }
    }
    log.add(sim.nowNanos(), "map-frame", target, ok, ok ? "mapped" : "the kernel built no table for it", null);
    return ok;
  }

  /** The hpa {@code gva} translates to as {@code pid} in its own view, or -1 if the access faults. */
  private long translateAs(int pid, long gva, int access) {
    EptView view = shell.userView(pid);
    long r = mmu.translate(sim.cr3(pid), view, gva, access | X86.ACCESS_USER);
    return Translation.isFault(r) ? -1 : r;
  }

  byte[] readAs(int pid, long gva) {
    long page = gva & ~(long) X86.PAGE_MASK;
    if (!own.containsKey(pid)) {
      // The kernel runs no other process's user mode: the victim's view is the HAP's, not the OS's.
      log.add(sim.nowNanos(), "read-as", "pid " + pid + " 0x" + Long.toHexString(page), false,
          "refused: not a process the adversary created", null);
      return null;
    }
    long hpa = translateAs(pid, page, X86.ACCESS_READ);
    byte[] b = hpa < 0 ? null : new byte[X86.PAGE_SIZE];
    if (b != null) {
      shell.memory().read(hpa, b, 0, b.length);
    }
    log.add(sim.nowNanos(), "read-as", "pid " + pid + " 0x" + Long.toHexString(page), false,
        b != null ? "read" : "faulted (page table or EPT view)", b);
    return b;
  }

  boolean writeAs(int pid, long gva, byte[] data) {
    log.wrote(data);
    long page = gva & ~(long) X86.PAGE_MASK;
    if (!own.containsKey(pid)) {
      log.add(sim.nowNanos(), "write-as", "pid " + pid + " 0x" + Long.toHexString(page), false,
          "refused: not a process the adversary created", null);
      return false;
    }
    long hpa = translateAs(pid, page, X86.ACCESS_WRITE);
    if (hpa >= 0) {
      byte[] d = AdversaryLog.padded(data);
      shell.memory().write(hpa, d, 0, Math.min(d.length, X86.PAGE_SIZE));
    }
    log.add(sim.nowNanos(), "write-as", "pid " + pid + " 0x" + Long.toHexString(page), hpa >= 0,
        hpa >= 0 ? "written" : "faulted (page table or EPT view)", null);
    return hpa >= 0;
  }
}
