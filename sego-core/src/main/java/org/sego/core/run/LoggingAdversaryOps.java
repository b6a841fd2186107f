package org.sego.core.run;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.guest.OsAccessDenied;
import org.sego.api.guest.OsView;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.X86;
import org.sego.api.storage.Volume;
import org.sego.api.storage.VolumeKind;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.hv.VolumeSet;
import org.sego.core.sim.Simulation;

/**
 * The adversary's operations: exactly what the guest kernel could do (memory through the OS view,
 * its own page tables, raw I/O on guest devices), each call and each observed byte logged for the
 * judge. Raw block I/O is untimed: its timing decides no outcome.
 */
final class LoggingAdversaryOps implements AdversaryOps {
  private final OsView memory;
  private final org.sego.api.hypercall.Hypercalls kernelPort;
  private final Simulation sim;
  private final Mmu mmu;
  private final VolumeSet volumes;
  private final HypervisorShell shell;
  private final AdversaryLog log;
  private final int victim;
  private final int boot;
  /** Set by {@link #crash}: 1 for a guest crash, 2 for a power failure. */
  private final int[] crashRequest;

  LoggingAdversaryOps(HypervisorShell shell, Simulation sim, Mmu mmu, VolumeSet volumes, AdversaryLog log, int victim,
      int boot, int[] crashRequest) {
    this.boot = boot;
    this.crashRequest = crashRequest;
    this.shell = shell;
    this.memory = shell.osView();
    this.kernelPort = shell.kernelPort();
    this.sim = sim;
    this.mmu = mmu;
    this.volumes = volumes;
    this.log = log;
    this.victim = victim;
  }

  @Override
  public org.sego.api.hypercall.HypercallResult hypercall(org.sego.api.hypercall.Hypercall call) {
    org.sego.api.hypercall.HypercallResult r = kernelPort.call(call);
    log.add(sim.nowNanos(), "hypercall", call.name(), r instanceof org.sego.api.hypercall.HypercallResult.Ok, r.toString(),
        null);
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
    boolean[] huge = new boolean[1];
    long slot = leafSlot(pid, gva, huge);
    long e = slot < 0 ? 0 : memory.load64(slot);
    log.add(sim.nowNanos(), "read-pte", "pid " + pid + " 0x" + Long.toHexString(gva), false, "0x" + Long.toHexString(e), null);
    return e;
  }

  @Override
  public boolean writePte(int pid, long gva, long entry) {
    boolean[] huge = new boolean[1];
    long slot = leafSlot(pid, gva, huge);
    boolean ok = slot >= 0 && !huge[0];
    if (ok) {
      memory.store64(slot, entry);
      mmu.invalidatePage(sim.cr3(pid), gva);
    }
    log.add(sim.nowNanos(), "write-pte", "pid " + pid + " 0x" + Long.toHexString(gva), ok,
        ok ? "entry 0x" + Long.toHexString(entry) : "no 4 KiB entry", null);
    return ok;
  }

  @Override
  public byte[] readFrame(long gfn) {
    byte[] b = new byte[X86.PAGE_SIZE];
    boolean ok = memory.read(gfn << X86.PAGE_SHIFT, b, 0, b.length) == OsView.OK;
    log.add(sim.nowNanos(), "read-frame", "gfn " + gfn, false, ok ? "read" : "denied by the OS view", ok ? b : null);
    return ok ? b : null;
  }

  @Override
  public boolean writeFrame(long gfn, byte[] data) {
    boolean ok = memory.write(gfn << X86.PAGE_SHIFT, data, 0, Math.min(data.length, X86.PAGE_SIZE)) == OsView.OK;
    log.add(sim.nowNanos(), "write-frame", "gfn " + gfn, ok, ok ? "written" : "denied by the OS view", null);
    return ok;
  }

  private Volume guestVolume(String device) {
    Volume v = volumes.get(device);
    if (v.kind() != VolumeKind.GUEST) {
      throw new IllegalArgumentException("device '" + device + "' is the hypervisor's; the guest cannot address it");
    }
    return v;
  }

  @Override
  public byte[] readBlock(String device, long block) {
    guestVolume(device);
    byte[] b = shell.adversaryRead(device, block);
    log.add(sim.nowNanos(), "read-block", device + " block " + block, false,
        b != null ? "read" : "refused by the virtual device", b);
    return b;
  }

  @Override
  public boolean writeBlock(String device, long block, byte[] data) {
    guestVolume(device);
    boolean ok = shell.adversaryWrite(device, block, data);
    log.add(sim.nowNanos(), "write-block", device + " block " + block, ok,
        ok ? "written" : "refused by the virtual device", null);
    return ok;
  }

  @Override
  public void crash(boolean powerFailure) {
    log.add(sim.nowNanos(), "crash", powerFailure ? "power failure" : "guest crash", true, "boot " + boot + " ends", null);
    crashRequest[0] = powerFailure ? 2 : 1;
    throw sim.crashNow();
  }

  @Override
  public int boot() {
    return boot;
  }

  @Override
  public void note(String text) {
    log.add(sim.nowNanos(), "note", "", false, text, null);
  }
}
