package org.sego.guest.linuxlike.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.hw.X86;

/**
 * A process's virtual layout: its page-table root and its areas. The page tables themselves live
 * in guest frames; this holds only the VMA list, the heap break and the frames of its tables.
 */
public final class AddressSpace {
  public static final long HEAP_BASE = 0x1000_0000L;
  public static final long MMAP_TOP = 0x7F00_0000_0000L;
  public static final long STACK_TOP = 0x7FFF_FFFF_F000L;
  public static final long STACK_SIZE = 8L << 20;

  final int pid;
  final long cr3;
  final TreeMap<Long, Vma> vmas = new TreeMap<>();
  final List<Long> tables = new ArrayList<>();
  /** Allocates and records this space's page-table frames (see {@link MemoryManager#tableAllocator}). */
  java.util.function.LongSupplier tableAllocator;
  long brk = HEAP_BASE;
  /** Whether this is a HAP's address space: -1 until the kernel first needs to know (then asked once). */
  int hap = -1;

  AddressSpace(int pid, long cr3) {
    this.pid = pid;
    this.cr3 = cr3;
  }

  public int pid() {
    return pid;
  }

  public long cr3() {
    return cr3;
  }

  public long brk() {
    return brk;
  }

  /** The area containing {@code gva}, or null. */
  public Vma find(long gva) {
    Map.Entry<Long, Vma> e = vmas.floorEntry(gva);
    return e != null && gva < e.getValue().end ? e.getValue() : null;
  }

  /** Whether any area overlaps {@code [start, end)}. */
  public boolean overlaps(long start, long end) {
    Map.Entry<Long, Vma> e = vmas.lowerEntry(end);
    return e != null && e.getValue().end > start;
  }

  /** Whether {@code [start, end)} is entirely covered by areas. */
  public boolean covered(long start, long end) {
    long at = start;
    while (at < end) {
      Vma v = find(at);
      if (v == null) {
        return false;
      }
      at = v.end;
    }
    return true;
  }

  /** The areas overlapping {@code [start, end)}, in address order. */
  List<Vma> overlapping(long start, long end) {
    List<Vma> out = new ArrayList<>();
    Map.Entry<Long, Vma> first = vmas.floorEntry(start);
    long from = first != null && first.getValue().end > start ? first.getKey() : start;
    for (Vma v : vmas.subMap(from, true, end, false).values()) {
      if (v.end > start) {
        out.add(v);
      }
    }
    return out;
  }

  public List<Vma> areas() {
    return List.copyOf(vmas.values());
  }

  void insert(Vma v) {
    vmas.put(v.start, v);
  }

  /** A free, page-aligned range of {@code length} below {@link #MMAP_TOP}, searching downward; -1 if none. */
  long findFree(long length) {
    long top = MMAP_TOP;
    for (Vma v : vmas.descendingMap().values()) {
      if (v.start >= MMAP_TOP) {
        continue;
      }
      if (v.end <= top - length) {
        return top - length;
      }
      top = Math.min(top, v.start);
    }
    long start = top - length;
    return start > brk + (1L << 30) ? start : -1;
  }

  /** Splits areas so that {@code start} and {@code end} fall on area boundaries. */
  void splitAt(long address) {
    Vma v = find(address);
    if (v != null && v.start < address) {
      Vma tail = new Vma(address, v.end, v.prot, v.shared, v.name);
      tail.fileIno = v.fileIno;
      tail.fileOffset = v.fileOffset + (address - v.start);
      v.end = address;
      vmas.put(address, tail);
    }
  }

  /** Removes the areas inside {@code [start, end)} (after splitting at both ends). */
  List<Vma> remove(long start, long end) {
    splitAt(start);
    splitAt(end);
    List<Vma> removed = new ArrayList<>(vmas.subMap(start, true, end, false).values());
    for (Vma v : removed) {
      vmas.remove(v.start);
    }
    return removed;
  }

  /** Sets the protection of {@code [start, end)} (after splitting at both ends); returns the areas changed. */
  List<Vma> protect(long start, long end, int prot) {
    splitAt(start);
    splitAt(end);
    List<Vma> changed = new ArrayList<>(vmas.subMap(start, true, end, false).values());
    for (Vma v : changed) {
      v.prot = prot;
    }
    return changed;
  }

  static long pageAlignUp(long v) {
    return (v + X86.PAGE_MASK) & ~X86.PAGE_MASK;
  }
}
