package org.sego.core.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.PhysicalAccess;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.OsAccessDenied;
import org.sego.api.guest.OsView;
import org.sego.api.hw.EptView;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.sim.Program;
import org.sego.api.storage.IoRecord;
import org.sego.api.storage.PowerFailure;
import org.sego.api.storage.Volume;
import org.sego.api.storage.VolumeKind;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.hv.VolumeSet;
import org.sego.core.sim.Simulation;

/**
 * The adversary's operations: exactly what the guest kernel could do (memory through the OS view,
 * page tables, processes of its own, raw and DMA I/O through the virtual devices, its own request
 * queue), and for a physical adversary what physical access allows; each call and each observed byte
 * logged for the judge, each byte written remembered so that reading it back observes nothing. Valid
 * for one boot. Raw block I/O is untimed: its timing decides no outcome.
 */
final class LoggingAdversaryOps implements AdversaryOps {
  /** What the run gives the adversary of itself: how to start a process, and whether the victim ended. */
  record Run(GuestKernel kernel, ToIntFunction<Program> start, BooleanSupplier victimEnded, KernelBlockQueue queue) {}

  private final OsView memory;
  private final org.sego.api.hypercall.Hypercalls kernelPort;
  private final Simulation sim;
  private final Mmu mmu;
  private final VolumeSet volumes;
  private final HypervisorShell shell;
  private final AdversaryLog log;
  private final int victim;
  private final int boot;
  private final Run run;
  private final Optional<PhysicalAccess> physical;
  /** Set by {@link #crash}: 1 for a guest crash, 2 for a power failure; [1] = 1 if the survivors were chosen. */
  private final int[] crashRequest;
  private final PowerFailure[] chosenFailure;
  private boolean retired;
  private boolean started;
  /** Initial stack pointer of each process the adversary created. */
  private final Map<Integer, Long> initialRsp = new HashMap<>();
  /** How long a process of the adversary's own lives at most (simulated): it must never keep a boot alive. */
  static final long PUPPET_LIFETIME_NANOS = 1_000_000_000L;
  /** Processes the adversary created, each with the entries its mappings replaced (restored before it exits). */
  private final Map<Integer, List<long[]>> own = new HashMap<>();

  LoggingAdversaryOps(HypervisorShell shell, Simulation sim, Mmu mmu, VolumeSet volumes, AdversaryLog log, int victim,
      int boot, int[] crashRequest, PowerFailure[] chosenFailure, Run run, boolean physical) {
    this.boot = boot;
    this.crashRequest = crashRequest;
    this.chosenFailure = chosenFailure;
    this.shell = shell;
    this.memory = shell.osView();
    this.kernelPort = shell.kernelPort();
    this.sim = sim;
    this.mmu = mmu;
    this.volumes = volumes;
    this.log = log;
    this.victim = victim;
    this.run = run;
    this.physical = physical ? Optional.of(new Physical()) : Optional.empty();
    log.boot(boot);
  }

  /** The boot runs: from now on the hooks may use these operations. */
  void begin() {
    started = true;
  }

  /** The boot is over: every later call is refused. */
  void retire() {
    retired = true;
  }

  private void live(String op) {
    if (!started) {
      throw new IllegalStateException("AdversaryOps." + op + " called before the boot runs; use the operations from "
          + "the hooks");
    }
    if (retired) {
      log.add(sim.nowNanos(), "stale-ops", op, false, "refused: these operations belonged to boot " + boot, null);
      throw new IllegalStateException("AdversaryOps of boot " + boot + " used after that boot ended (" + op
          + "); each boot's hooks get the operations of that boot");
    }
  }

  @Override
  public HypercallResult hypercall(Hypercall call) {
    live("hypercall");
    HypercallResult r = kernelPort.call(call);
    log.add(sim.nowNanos(), "hypercall", call.name(), r instanceof HypercallResult.Ok, r.toString(), null);
    return r;
  }

  @Override
  public int victimPid() {
    return victim;
  }

  /** The gpa of the entry mapping {@code gva} at its leaf level, or -1; {@code huge[0]} tells a 2 MiB leaf. */
  private long leafSlot(int pid, long gva, boolean[] huge) {
    long table = sim.cr3(pid) & X86.PTE_ADDR;
    try {
      for (int level = 4; level >= 1; level--) {
        long slot = table + 8L * X86.tableIndex(gva, level);
        long e = memory.load64(slot);
        if (level == 1 || (level == 2 && (e & X86.PTE_PS) != 0)) {
          huge[0] = level == 2;
          return slot;
        }
        if ((e & X86.PTE_P) == 0) {
          return -1;
        }
        table = e & X86.PTE_ADDR;
      }
    } catch (OsAccessDenied e) {
      return -1;
    }
    return -1;
  }

  @Override
  public long[] residentPages(int pid) {
    live("residentPages");
    List<Long> pages = new ArrayList<>();
    long root = sim.cr3(pid) & X86.PTE_ADDR;
    walk(root, 4, 0, pages);
    log.add(sim.nowNanos(), "resident-pages", "pid " + pid, false, pages.size() + " pages", null);
    return pages.stream().mapToLong(Long::longValue).toArray();
  }

  private void walk(long table, int level, long base, List<Long> out) {
    for (int i = 0; i < 512; i++) {
      long e;
      try {
        e = memory.load64(table + 8L * i);
      } catch (OsAccessDenied denied) {
        return;
      }
      if ((e & X86.PTE_P) == 0) {
        continue;
      }
      long va = base | ((long) i << (X86.PAGE_SHIFT + 9 * (level - 1)));
      if (level == 1) {
        out.add(va);
      } else if (level == 2 && (e & X86.PTE_PS) != 0) {
        for (int p = 0; p < 512; p++) {
          out.add(va + ((long) p << X86.PAGE_SHIFT));
        }
      } else {
        walk(e & X86.PTE_ADDR, level - 1, va, out);
      }
    }
  }

  @Override
  public long readPte(int pid, long gva) {
    live("readPte");
    boolean[] huge = new boolean[1];
    long slot = leafSlot(pid, gva, huge);
    long e = slot < 0 ? 0 : memory.load64(slot);
    log.add(sim.nowNanos(), "read-pte", "pid " + pid + " 0x" + Long.toHexString(gva), false, "0x" + Long.toHexString(e), null);
    return e;
  }

  @Override
  public boolean writePte(int pid, long gva, long entry, boolean invalidate) {
    live("writePte");
    boolean[] huge = new boolean[1];
    long slot = leafSlot(pid, gva, huge);
    boolean ok = slot >= 0 && !huge[0];
    if (ok) {
      ok = storeEntry(slot, entry);
      if (ok && invalidate) {
        mmu.invalidatePage(sim.cr3(pid), gva);
      }
    }
    log.add(sim.nowNanos(), "write-pte", "pid " + pid + " 0x" + Long.toHexString(gva), ok,
        ok ? "entry 0x" + Long.toHexString(entry) + (invalidate ? "" : ", TLB not invalidated")
            : slot < 0 || huge[0] ? "no 4 KiB entry" : "denied by the OS view", null);
    return ok;
  }

  /** The entry at {@code slot}, or -1 if the OS view denies it. */
  private long loadEntry(long slot) {
    try {
      return memory.load64(slot);
    } catch (OsAccessDenied e) {
      return -1;
    }
  }

  private boolean storeEntry(long slot, long entry) {
    try {
      memory.store64(slot, entry);
      return true;
    } catch (OsAccessDenied e) {
      return false;
    }
  }

  @Override
  public long cr3(int pid) {
    live("cr3");
    long c;
    try {
      c = sim.cr3(pid);
    } catch (RuntimeException e) {
      c = -1;
    }
    log.add(sim.nowNanos(), "read-cr3", "pid " + pid, false, c < 0 ? "no such process" : "0x" + Long.toHexString(c), null);
    return c;
  }

  @Override
  public byte[] readFrame(long gfn) {
    live("readFrame");
    byte[] b = new byte[X86.PAGE_SIZE];
    boolean ok = memory.read(gfn << X86.PAGE_SHIFT, b, 0, b.length) == OsView.OK;
    log.add(sim.nowNanos(), "read-frame", "gfn " + gfn, false, ok ? "read" : "denied by the OS view", ok ? b : null);
    return ok ? b : null;
  }

  @Override
  public boolean writeFrame(long gfn, byte[] data) {
    live("writeFrame");
    byte[] d = AdversaryLog.padded(data);
    log.wrote(d);
    boolean ok = memory.write(gfn << X86.PAGE_SHIFT, d, 0, Math.min(d.length, X86.PAGE_SIZE)) == OsView.OK;
    log.add(sim.nowNanos(), "write-frame", "gfn " + gfn, ok, ok ? "written" : "denied by the OS view", null);
    return ok;
  }

  // ---- processes of the adversary's own ----------------------------------------------------------

  @Override
  public int createProcess() {
    live("createProcess");
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
      storeEntry(replaced.get(i)[0], replaced.get(i)[1]);
      mmu.invalidatePage(sim.cr3(pid), replaced.get(i)[2]);
    }
    replaced.clear();
  }

  @Override
  public long[] stackOf(int pid) {
    live("stackOf");
    if (!own.containsKey(pid)) {
      return null;
    }
    long top = (initialRsp.get(pid) + X86.PAGE_SIZE - 1) & ~(long) X86.PAGE_MASK;
    return new long[] {top - 16L * X86.PAGE_SIZE, top};
  }

  @Override
  public boolean mapFrame(int pid, long gva, long gfn, boolean writable) {
    live("mapFrame");
    String target = "pid " + pid + " 0x" + Long.toHexString(gva) + " -> gfn " + gfn;
    long[] stack = own.containsKey(pid) ? stackOf(pid) : null;
    if (stack == null || gva < stack[0] || gva >= stack[1]) {
      log.add(sim.nowNanos(), "map-frame", target, false, stack == null ? "not a process the adversary created"
          : "outside its stack 0x" + Long.toHexString(stack[0]) + "..0x" + Long.toHexString(stack[1]), null);
      return false;
    }
    long page = gva & ~(long) X86.PAGE_MASK;
    boolean[] huge = new boolean[1];
    long slot = leafSlot(pid, page, huge);
    if (slot < 0 || (loadEntry(slot) & X86.PTE_P) == 0) {
      // The kernel builds the tables (and maps a frame of its own, which the new entry replaces);
      // its fault path runs here, inside the hook, and may run other hooks.
      run.kernel().pageFault(pid, page, X86.PF_W | X86.PF_U);
      slot = leafSlot(pid, page, huge);
    }
    long old = slot < 0 ? -1 : loadEntry(slot);
    boolean ok = slot >= 0 && !huge[0] && old != -1;
    if (ok) {
      long entry = (gfn << X86.PAGE_SHIFT) | X86.PTE_P | X86.PTE_US | (writable ? X86.PTE_RW : 0);
      ok = storeEntry(slot, entry);
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

  @Override
  public byte[] readAs(int pid, long gva) {
    live("readAs");
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

  @Override
  public boolean writeAs(int pid, long gva, byte[] data) {
    live("writeAs");
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

  // ---- I/O -----------------------------------------------------------------------------------------

  private Volume guestVolume(String device) {
    Volume v = volumes.get(device);
    if (v.kind() != VolumeKind.GUEST) {
      throw new IllegalArgumentException("device '" + device + "' is the hypervisor's; the guest cannot address it");
    }
    return v;
  }

  @Override
  public byte[] readBlock(String device, long block) {
    live("readBlock");
    guestVolume(device);
    byte[] b = shell.adversaryRead(device, block);
    log.add(sim.nowNanos(), "read-block", device + " block " + block, false,
        b != null ? "read" : "refused by the virtual device", b);
    return b;
  }

  @Override
  public boolean writeBlock(String device, long block, byte[] data) {
    live("writeBlock");
    guestVolume(device);
    log.wrote(data);
    boolean ok = shell.adversaryWrite(device, block, data);
    log.add(sim.nowNanos(), "write-block", device + " block " + block, ok,
        ok ? "written" : "refused by the virtual device", null);
    return ok;
  }

  @Override
  public boolean dmaToFrame(String device, long block, long gfn) {
    live("dmaToFrame");
    guestVolume(device);
    boolean ok = shell.adversaryDma(device, block, gfn, true);
    log.add(sim.nowNanos(), "write-dma", device + " block " + block + " -> gfn " + gfn, ok,
        ok ? "moved" : "refused by the virtual device", null);
    return ok;
  }

  @Override
  public boolean dmaFromFrame(long gfn, String device, long block) {
    live("dmaFromFrame");
    guestVolume(device);
    boolean ok = shell.adversaryDma(device, block, gfn, false);
    log.add(sim.nowNanos(), "write-dma", "gfn " + gfn + " -> " + device + " block " + block, ok,
        ok ? "moved" : "refused by the virtual device", null);
    return ok;
  }

  @Override
  public void holdIo(String device) {
    live("holdIo");
    guestVolume(device);
    run.queue().hold(device);
    log.add(sim.nowNanos(), "hold-io", device, true, "the kernel's requests stay queued", null);
  }

  @Override
  public int releaseIo(String device, boolean reversed) {
    live("releaseIo");
    int n = run.queue().release(device, reversed);
    log.add(sim.nowNanos(), "release-io", device, n > 0, n + " request(s) sent" + (reversed ? " in reverse order" : ""), null);
    return n;
  }

  @Override
  public boolean replayWrite(String device, long block) {
    live("replayWrite");
    guestVolume(device);
    String target = device + " block " + block;
    boolean sent = run.queue().replay(device, block, (id, status, t) ->
        log.add(t, "replayed-write-completed", target, status == 0, "status " + status, null));
    log.add(sim.nowNanos(), "write-replay", target, sent, sent ? "the last write sent again" : "no write to replay", null);
    return sent;
  }

  // ---- the end of the boot ------------------------------------------------------------------------

  @Override
  public void crash(boolean powerFailure) {
    live("crash");
    log.add(sim.nowNanos(), "crash", powerFailure ? "power failure" : "guest crash", true, "boot " + boot + " ends", null);
    end(powerFailure ? 2 : 1, null);
  }

  private void end(int kind, PowerFailure failure) {
    crashRequest[0] = kind;
    chosenFailure[0] = failure;
    retired = true;
    throw sim.crashNow();
  }

  @Override
  public Optional<PhysicalAccess> physical() {
    live("physical");
    return physical;
  }

  @Override
  public int boot() {
    return boot;
  }

  @Override
  public void note(String text) {
    live("note");
    log.add(sim.nowNanos(), "note", "", false, text, null);
  }

  /** Physical access: any volume at rest, the hypervisor's included; chosen survivors of a power failure. */
  private final class Physical implements PhysicalAccess {
    private boolean inRange(String device, long block) {
      return block >= 0 && block < volumes.get(device).blockCount();
    }

    @Override
    public byte[] readAtRest(String device, long block) {
      live("readAtRest");
      byte[] b = null;
      if (inRange(device, block)) {
        b = new byte[volumes.get(device).blockSize()];
        volumes.get(device).read(block, b, 0);
      }
      log.add(sim.nowNanos(), "read-at-rest", device + " block " + block, false, b != null ? "read" : "out of range", b);
      return b;
    }

    @Override
    public boolean writeAtRest(String device, long block, byte[] data) {
      live("writeAtRest");
      log.wrote(data);
      boolean ok = inRange(device, block);
      if (ok) {
        volumes.get(device).write(block, java.util.Arrays.copyOf(data, volumes.get(device).blockSize()), 0, true);
      }
      log.add(sim.nowNanos(), "write-at-rest", device + " block " + block, ok, ok ? "written" : "out of range", null);
      return ok;
    }

    @Override
    public long blocks(String device) {
      live("blocks");
      return volumes.get(device).blockCount();
    }

    @Override
    public void powerFail(PowerFailure survivors) {
      live("powerFail");
      log.add(sim.nowNanos(), "crash", "power failure, survivors chosen", true, "boot " + boot + " ends", null);
      // The adversary chooses by position and block only: the pending writes' bytes are not shown to it.
      end(2, (w, units) -> {
        try {
          return survivors.survivingUnits(new IoRecord(w.seq(), w.op(), w.block(), null), units);
        } catch (RuntimeException e) {
          return 0L; // a choice that fails loses the write
        }
      });
    }
  }
}
