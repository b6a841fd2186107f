package org.sego.core.hv;

import org.sego.api.guest.OsAccessDenied;
import org.sego.api.guest.OsView;
import org.sego.api.hv.EptExit;
import org.sego.api.hw.EptView;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;

/**
 * Guest-physical memory through the OS's EPT view: each frame the kernel touches is checked
 * against the view, and a violation goes to the strategy (through the shell) before it is denied.
 */
final class OsMemoryView implements OsView {
  private final HypervisorShell shell;
  private final PhysicalMemory memory;
  private final EptView view;
  private final long guestFrames;

  OsMemoryView(HypervisorShell shell, PhysicalMemory memory, EptView view, long guestFrames) {
    this.shell = shell;
    this.memory = memory;
    this.view = view;
    this.guestFrames = guestFrames;
  }

  @Override
  public long guestFrames() {
    return guestFrames;
  }

  /** Host address for {@code gpa}, asking the strategy on a violation; -1 if denied. */
  private long resolve(long gpa, int access) {
    if (gpa < 0 || (gpa >>> X86.PAGE_SHIFT) >= guestFrames) {
      throw new IndexOutOfBoundsException("gpa 0x" + Long.toHexString(gpa) + " is outside guest memory");
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      long r = view.translate(gpa, access);
      if (!Translation.isFault(r)) {
        return r;
      }
      if (!shell.eptViolation(new EptExit(EptExit.Accessor.KERNEL, shell.currentPid(), -1, -1, Translation.frame(r),
          Translation.code(r), view))) {
        return -1;
      }
    }
    return -1;
  }

  @Override
  public long load64(long gpa) {
    long hpa = resolve(gpa, X86.ACCESS_READ);
    if (hpa < 0) {
      throw OsAccessDenied.INSTANCE;
    }
    return memory.load64(hpa);
  }

  @Override
  public void store64(long gpa, long value) {
    long hpa = resolve(gpa, X86.ACCESS_WRITE);
    if (hpa < 0) {
      throw OsAccessDenied.INSTANCE;
    }
    memory.store64(hpa, value);
  }

  @Override
  public int read(long gpa, byte[] dst, int off, int len) {
    chargeCopy(len);
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gpa & X86.PAGE_MASK));
      long hpa = resolve(gpa, X86.ACCESS_READ);
      if (hpa < 0) {
        return DENIED;
      }
      memory.read(hpa, dst, off, n);
      gpa += n;
      off += n;
      len -= n;
    }
    return OK;
  }

  @Override
  public int write(long gpa, byte[] src, int off, int len) {
    chargeCopy(len);
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gpa & X86.PAGE_MASK));
      long hpa = resolve(gpa, X86.ACCESS_WRITE);
      if (hpa < 0) {
        return DENIED;
      }
      memory.write(hpa, src, off, n);
      gpa += n;
      off += n;
      len -= n;
    }
    return OK;
  }

  /**
   * Half a copy (rounded up to a nanosecond): {@code cpu.copy} is a memcpy's rate, each byte read once
   * and written once, and a kernel copy through this view is a read here and a write here (the
   * kernel stages it in a buffer of its own), so it costs one copy, and a scan that only reads
   * costs half of one.
   */
  private void chargeCopy(int len) {
    shell.charge(CostCategory.COPY, Principal.KERNEL, (shell.copyPageNanos() * len + 2 * X86.PAGE_SIZE - 1) / (2 * X86.PAGE_SIZE));
  }

  @Override
  public int zeroFrame(long gfn) {
    long hpa = resolve(gfn << X86.PAGE_SHIFT, X86.ACCESS_WRITE);
    if (hpa < 0) {
      return DENIED;
    }
    memory.zeroFrame(hpa >>> X86.PAGE_SHIFT);
    shell.charge(CostCategory.ZERO, Principal.KERNEL, shell.zeroPageNanos());
    return OK;
  }

  @Override
  public int copyFrame(long srcGfn, long dstGfn) {
    long src = resolve(srcGfn << X86.PAGE_SHIFT, X86.ACCESS_READ);
    long dst = src < 0 ? -1 : resolve(dstGfn << X86.PAGE_SHIFT, X86.ACCESS_WRITE);
    if (dst < 0) {
      return DENIED;
    }
    memory.copyFrame(src >>> X86.PAGE_SHIFT, dst >>> X86.PAGE_SHIFT);
    shell.charge(CostCategory.COPY, Principal.KERNEL, shell.copyPageNanos());
    return OK;
  }
}
