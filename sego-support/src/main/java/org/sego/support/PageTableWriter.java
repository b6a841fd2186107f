package org.sego.support;

import java.util.function.LongSupplier;
import org.sego.api.Experimental;
import org.sego.api.hw.X86;

/**
 * Writes x86-64 4-level page tables into frames of a memory port, allocating intermediate tables
 * from a frame supplier (which must return zeroed frames). Used by guest kernels and by tests that
 * check the hardware walker against a reference map.
 */
@Experimental("helpers for plug-in authors")
public final class PageTableWriter {
  /** Flags given to intermediate entries: the leaf decides the real permissions. */
  private static final long TABLE_FLAGS = X86.PTE_P | X86.PTE_RW | X86.PTE_US;

  private final Memory64 memory;
  private final LongSupplier zeroedFrame;

  public PageTableWriter(Memory64 memory, LongSupplier zeroedFrame) {
    this.memory = memory;
    this.zeroedFrame = zeroedFrame;
  }

  /** Maps the 4 KiB page at {@code gva} to frame {@code frame} with leaf {@code flags}. */
  public void map4k(long cr3, long gva, long frame, long flags) {
    long table = tableFor(cr3, gva, 1);
    memory.store64(table + 8L * X86.tableIndex(gva, 1), (frame << X86.PAGE_SHIFT) | flags | X86.PTE_P);
  }

  /** Maps the 2 MiB page at {@code gva} (aligned) to the aligned frame range starting at {@code frame}. */
  public void map2m(long cr3, long gva, long frame, long flags) {
    if ((gva & (X86.LARGE_PAGE_SIZE - 1)) != 0 || (frame & 511) != 0) {
      throw new IllegalArgumentException("2 MiB mapping needs aligned gva and frame");
    }
    long table = tableFor(cr3, gva, 2);
    memory.store64(table + 8L * X86.tableIndex(gva, 2), (frame << X86.PAGE_SHIFT) | flags | X86.PTE_P | X86.PTE_PS);
  }

  /** Clears the leaf entry for {@code gva} (4 KiB or 2 MiB); returns the old entry or 0. */
  public long unmap(long cr3, long gva) {
    long table = cr3 & X86.PTE_ADDR;
    for (int level = 4; level >= 1; level--) {
      long slot = table + 8L * X86.tableIndex(gva, level);
      long e = memory.load64(slot);
      if ((e & X86.PTE_P) == 0) {
        return 0;
      }
      if (level == 1 || (level == 2 && (e & X86.PTE_PS) != 0)) {
        memory.store64(slot, 0);
        return e;
      }
      table = e & X86.PTE_ADDR;
    }
    return 0;
  }

  /** The address of the entry slot at {@code level} for {@code gva}, creating tables above it. */
  public long entrySlot(long cr3, long gva, int level) {
    return tableFor(cr3, gva, level) + 8L * X86.tableIndex(gva, level);
  }

  private long tableFor(long cr3, long gva, int targetLevel) {
    long table = cr3 & X86.PTE_ADDR;
    for (int level = 4; level > targetLevel; level--) {
      long slot = table + 8L * X86.tableIndex(gva, level);
      long e = memory.load64(slot);
      if ((e & X86.PTE_P) == 0) {
        long frame = zeroedFrame.getAsLong();
        e = (frame << X86.PAGE_SHIFT) | TABLE_FLAGS;
        memory.store64(slot, e);
      } else if ((e & X86.PTE_PS) != 0) {
        throw new IllegalStateException("a 2 MiB page already covers 0x" + Long.toHexString(gva));
      }
      table = e & X86.PTE_ADDR;
    }
    return table;
  }
}
