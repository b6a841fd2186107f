package org.sego.core.run;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.PhysicalAccess;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.OsView;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.sim.Program;
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
  private final GuestPageTables tables;
  private final KernelBlockQueue queue;
  private final AdversaryProcesses processes;
  private final Optional<PhysicalAccess> physical;
  /** Set by {@link #crash}: 1 for a guest crash, 2 for a power failure; [1] = 1 if the survivors were chosen. */
  private final int[] crashRequest;
  private final PowerFailure[] chosenFailure;
  private boolean retired;
  private boolean started;

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
    this.queue = run.queue();
    this.tables = new GuestPageTables(memory, sim);
    this.processes = new AdversaryProcesses(sim, mmu, shell, log, run, tables);
    this.physical = physical ? Optional.of(new LoggingPhysicalAccess(sim, volumes, log, boot, this::live,
        failure -> end(2, failure))) : Optional.empty();
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

  /** Refuses {@code op} unless this boot runs (logging a call on operations of an ended boot). */
  void live(String op) {
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

  @Override
  public long[] residentPages(int pid) {
    live("residentPages");
    long[] pages = tables.residentPages(pid);
    log.add(sim.nowNanos(), "resident-pages", "pid " + pid, false, pages.length + " pages", null);
    return pages;
  }

  @Override
  public long readPte(int pid, long gva) {
    live("readPte");
    long slot = tables.leafSlot(pid, gva, new boolean[1]);
    long e = slot < 0 ? 0 : tables.load(slot);
    e = e == -1 ? 0 : e; // (an entry the OS view denies reads as none)
    log.add(sim.nowNanos(), "read-pte", "pid " + pid + " 0x" + Long.toHexString(gva), false, "0x" + Long.toHexString(e), null);
    return e;
  }

  @Override
  public boolean writePte(int pid, long gva, long entry, boolean invalidate) {
    live("writePte");
    boolean[] huge = new boolean[1];
    long slot = tables.leafSlot(pid, gva, huge);
    boolean ok = slot >= 0 && !huge[0];
    if (ok) {
      ok = tables.store(slot, entry);
      if (ok && invalidate) {
        mmu.invalidatePage(sim.cr3(pid), gva);
      }
    }
    log.add(sim.nowNanos(), "write-pte", "pid " + pid + " 0x" + Long.toHexString(gva), ok,
        ok ? "entry 0x" + Long.toHexString(entry) + (invalidate ? "" : ", TLB not invalidated")
            : slot < 0 || huge[0] ? "no 4 KiB entry" : "denied by the OS view", null);
    return ok;
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
    return processes.create();
  }

  @Override
  public long[] stackOf(int pid) {
    live("stackOf");
    return processes.stackOf(pid);
  }

  @Override
  public boolean mapFrame(int pid, long gva, long gfn, boolean writable) {
    live("mapFrame");
    return processes.map(pid, gva, gfn, writable);
  }

  @Override
  public byte[] readAs(int pid, long gva) {
    live("readAs");
    return processes.readAs(pid, gva);
  }

  @Override
  public boolean writeAs(int pid, long gva, byte[] data) {
    live("writeAs");
    return processes.writeAs(pid, gva, data);
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
    queue.hold(device);
    log.add(sim.nowNanos(), "hold-io", device, true, "the kernel's requests stay queued", null);
  }

  @Override
  public int releaseIo(String device, boolean reversed) {
    live("releaseIo");
    int n = queue.release(device, reversed);
    log.add(sim.nowNanos(), "release-io", device, n > 0, n + " request(s) sent" + (reversed ? " in reverse order" : ""), null);
    return n;
  }

  @Override
  public boolean replayWrite(String device, long block) {
    live("replayWrite");
    guestVolume(device);
    String target = device + " block " + block;
    boolean sent = queue.replay(device, block, (id, status, t) ->
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

  void end(int kind, PowerFailure failure) {
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


}
