package org.sego.guest.linuxlike.mm;

import org.sego.api.guest.OsView;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.posix.Errno;

/**
 * The kernel's accesses to user memory (copy_to_user, copy_from_user): each page is found by
 * walking the process's tables, faulted in (and copied on write) as the hardware would, then
 * reached through the OS view; or, where the strategy's capabilities say so, written by {@code
 * user-write} hypercall.
 */
final class UserMemory {
  private final MemoryManager mm;

  UserMemory(MemoryManager mm) {
    this.mm = mm;
  }

  /**
   * The gpa of user address {@code gva} for a kernel access, faulting the page in (and breaking
   * copy-on-write for a write) as the hardware would for the process; -EFAULT if not allowed.
   */
  public long userAddress(AddressSpace as, long gva, boolean write) {
    for (int attempt = 0; attempt < 4; attempt++) {
      long pde = mm.tables.pdEntry(as.cr3, gva);
      if (PageTables.huge(pde) && (!write || (pde & X86.PTE_RW) != 0)) {
        return (pde & X86.PTE_ADDR_2M) | (gva & (X86.LARGE_PAGE_SIZE - 1));
      }
      long slot = PageTables.present(pde) && !PageTables.huge(pde) ? mm.tables.slot(as.cr3, gva, 1, false, null) : -1;
      long pte = slot < 0 ? 0 : mm.tables.read(slot);
      if (PageTables.present(pte) && (!write || (pte & X86.PTE_RW) != 0)) {
        return (pte & X86.PTE_ADDR) | (gva & X86.PAGE_MASK);
      }
      int r = mm.fault(as, gva, write, false);
      if (r != MemoryManager.OK) {
        return -Errno.EFAULT;
      }
    }
    return -Errno.EFAULT;
  }

  /**
   * Copies {@code src} to user memory for {@code path}, as the strategy's capabilities say: itself
   * ({@code DIRECT}, or {@code BOUNCE}, where the trusted library passed an unprotected buffer), or
   * by {@code user-write} hypercall; 0 or -EFAULT.
   */
  int copyToUser(AddressSpace as, long gva, byte[] src, int off, int len, org.sego.api.guest.KernelUserWrite path) {
    if (mm.hap.capabilities().userWrite(path) == org.sego.api.guest.KernelUserWrite.Handling.HYPERCALL) {
      for (long page = X86.pageBase(gva); page < gva + len; page += X86.PAGE_SIZE) {
        if (userAddress(as, page, true) < 0) { // the pages are made present (and writable) first
          return -Errno.EFAULT;
        }
      }
      byte[] data = java.util.Arrays.copyOfRange(src, off, off + len);
      return mm.hap.call(new KernelHypercalls.WriteUser(as.pid, path, gva, data)) instanceof HypercallResult.Ok ? 0 : -Errno.EFAULT;
    }
    return copyDirect(as, gva, src, off, len);
  }

  /** Copies {@code src} to user memory through the OS view; 0 or -EFAULT. */
  private int copyDirect(AddressSpace as, long gva, byte[] src, int off, int len) {
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gva & X86.PAGE_MASK));
      long gpa = userAddress(as, gva, true);
      if (gpa < 0 || mm.memory.write(gpa, src, off, n) != OsView.OK) {
        return -Errno.EFAULT;
      }
      gva += n;
      off += n;
      len -= n;
    }
    return 0;
  }

  /** Copies user mm.memory into {@code dst}; 0 or -EFAULT. */
  public int copyFromUser(AddressSpace as, long gva, byte[] dst, int off, int len) {
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gva & X86.PAGE_MASK));
      long gpa = userAddress(as, gva, false);
      if (gpa < 0 || mm.memory.read(gpa, dst, off, n) != OsView.OK) {
        return -Errno.EFAULT;
      }
      gva += n;
      off += n;
      len -= n;
    }
    return 0;
  }
}
