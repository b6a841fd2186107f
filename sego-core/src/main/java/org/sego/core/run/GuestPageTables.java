package org.sego.core.run;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.guest.OsAccessDenied;
import org.sego.api.guest.OsView;
import org.sego.api.hw.X86;
import org.sego.core.sim.Simulation;

/** A process's page tables as the kernel reaches them: through the OS's view, from the process's cr3. */
final class GuestPageTables {
  private final OsView memory;
  private final Simulation sim;

  GuestPageTables(OsView memory, Simulation sim) {
    this.memory = memory;
    this.sim = sim;
  }

  /** The gpa of the entry mapping {@code gva} at its leaf level, or -1; {@code huge[0]} tells a 2 MiB leaf. */
  long leafSlot(int pid, long gva, boolean[] huge) {
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

  /** Virtual addresses of the pages {@code pid} has present (4 KiB, or within 2 MiB pages), ascending. */
  long[] residentPages(int pid) {
    List<Long> pages = new ArrayList<>();
    walk(sim.cr3(pid) & X86.PTE_ADDR, 4, 0, pages);
    return pages.stream().mapToLong(Long::longValue).toArray();
  }

  private void walk(long table, int level, long base, List<Long> out) {
    for (int i = 0; i < 512; i++) {
      long e = load(table + 8L * i);
      if (e == -1) {
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

  /** The entry at {@code slot}, or -1 if the OS view denies it. */
  long load(long slot) {
    try {
      return memory.load64(slot);
    } catch (OsAccessDenied e) {
      return -1;
    }
  }

  /** Stores {@code entry} at {@code slot}; false if the OS view denies it. */
  boolean store(long slot, long entry) {
    try {
      memory.store64(slot, entry);
      return true;
    } catch (OsAccessDenied e) {
      return false;
    }
  }
}
