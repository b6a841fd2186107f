package org.sego.guest.linuxlike.mm;

import java.util.function.LongSupplier;
import org.sego.api.guest.OsView;
import org.sego.api.hw.X86;

/**
 * Reads and writes x86-64 page tables that live in guest frames, through the OS view. Nothing is
 * cached on the Java side: every lookup walks the tables in memory as the hardware does.
 */
public final class PageTables {
  /** Software bit of a non-present PTE that holds a swap slot in bits 12..51. */
  public static final long SWAP = 1L << 9;
  /** Software bit of a non-present PTE that keeps its frame under PROT_NONE. */
  public static final long PROTNONE = 1L << 10;
  private static final long TABLE_FLAGS = X86.PTE_P | X86.PTE_RW | X86.PTE_US;

  private final OsView memory;

  public PageTables(OsView memory) {
    this.memory = memory;
  }

  public long read(long slotGpa) {
    return memory.load64(slotGpa);
  }

  public void write(long slotGpa, long entry) {
    memory.store64(slotGpa, entry);
  }

  /**
   * The gpa of the entry for {@code gva} at {@code level} (2: PD, 1: PT), creating the tables above
   * it from {@code newTable} when {@code create}; -1 if a table is missing (or a 2 MiB page covers
   * the address when asking for level 1).
   */
  public long slot(long cr3, long gva, int level, boolean create, LongSupplier newTable) {
    long table = cr3 & X86.PTE_ADDR;
    for (int l = 4; l > level; l--) {
      long slot = table + 8L * X86.tableIndex(gva, l);
      long e = memory.load64(slot);
      if ((e & X86.PTE_P) == 0) {
        if (!create) {
          return -1;
        }
        long frame = newTable.getAsLong();
        if (frame < 0) {
          return -1;
        }
        e = (frame << X86.PAGE_SHIFT) | TABLE_FLAGS;
        memory.store64(slot, e);
      } else if ((e & X86.PTE_PS) != 0) {
        return -1;
      }
      table = e & X86.PTE_ADDR;
    }
    return table + 8L * X86.tableIndex(gva, level);
  }

  /**
   * Where a walk that found no page table for {@code gva} can resume: the end of the 512 GiB, 1 GiB
   * or 2 MiB span whose entry is missing.
   */
  public long nextMapped(long cr3, long gva) {
    long table = cr3 & X86.PTE_ADDR;
    for (int level = 4; level >= 3; level--) {
      long e = memory.load64(table + 8L * X86.tableIndex(gva, level));
      if ((e & X86.PTE_P) == 0) {
        long span = 1L << (X86.PAGE_SHIFT + 9 * (level - 1));
        return (gva & ~(span - 1)) + span;
      }
      table = e & X86.PTE_ADDR;
    }
    return (gva & ~(X86.LARGE_PAGE_SIZE - 1)) + X86.LARGE_PAGE_SIZE;
  }

  /** The PD entry covering {@code gva}, or 0 if the tables above it are missing. */
  public long pdEntry(long cr3, long gva) {
    long s = slot(cr3, gva, 2, false, null);
    return s < 0 ? 0 : memory.load64(s);
  }

  public static boolean present(long e) {
    return (e & X86.PTE_P) != 0;
  }

  public static boolean huge(long pdEntry) {
    return (pdEntry & (X86.PTE_P | X86.PTE_PS)) == (X86.PTE_P | X86.PTE_PS);
  }

  public static boolean isProtNone(long e) {
    return (e & X86.PTE_P) == 0 && (e & PROTNONE) != 0;
  }

  /** Whether the entry holds a frame: present, or made inaccessible by PROT_NONE. */
  public static boolean mapsFrame(long e) {
    return present(e) || isProtNone(e);
  }

  public static boolean isSwap(long e) {
    return (e & X86.PTE_P) == 0 && (e & SWAP) != 0;
  }

  public static long swapEntry(long slot) {
    return (slot << X86.PAGE_SHIFT) | SWAP;
  }

  public static long swapSlot(long e) {
    return (e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
  }

  public static long frame(long e) {
    return (e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
  }

  /** Visits every entry of the tables under {@code cr3}: present leaves, 2 MiB leaves, swap entries and tables. */
  public void forEach(long cr3, Visitor v) {
    long pml4 = cr3 & X86.PTE_ADDR;
    for (int i4 = 0; i4 < 512; i4++) {
      long e4 = memory.load64(pml4 + 8L * i4);
      if (!present(e4)) {
        continue;
      }
      long pdpt = e4 & X86.PTE_ADDR;
      for (int i3 = 0; i3 < 512; i3++) {
        long e3 = memory.load64(pdpt + 8L * i3);
        if (!present(e3)) {
          continue;
        }
        long pd = e3 & X86.PTE_ADDR;
        for (int i2 = 0; i2 < 512; i2++) {
          long slot2 = pd + 8L * i2;
          long e2 = memory.load64(slot2);
          long va2 = ((long) i4 << 39) | ((long) i3 << 30) | ((long) i2 << 21);
          if (!present(e2)) {
            continue;
          }
          if (huge(e2)) {
            v.leaf(va2, slot2, e2, true);
            continue;
          }
          long pt = e2 & X86.PTE_ADDR;
          for (int i1 = 0; i1 < 512; i1++) {
            long slot1 = pt + 8L * i1;
            long e1 = memory.load64(slot1);
            if (e1 != 0) {
              v.leaf(va2 | ((long) i1 << 12), slot1, e1, false);
            }
          }
          v.table(pt >>> X86.PAGE_SHIFT);
        }
        v.table(pd >>> X86.PAGE_SHIFT);
      }
      v.table(pdpt >>> X86.PAGE_SHIFT);
    }
  }

  /** Receives entries from {@link #forEach}. */
  public interface Visitor {
    /** A non-zero leaf: present 4 KiB page, 2 MiB page, or swap entry. */
    void leaf(long gva, long slotGpa, long entry, boolean huge);

    /** A page-table frame below the root, after its entries. */
    default void table(long gfn) {}
  }
}
