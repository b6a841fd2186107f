package org.sego.guest.linuxlike.mm;

import org.sego.api.posix.Mman;

/** A virtual memory area: a page-aligned range with one protection and one kind of backing. */
public final class Vma {
  long start;
  long end;
  int prot;
  final boolean shared;
  final String name;
  /** The file this area maps (an inode number), or 0 for anonymous memory; and the file offset of {@link #start}. */
  long fileIno;
  long fileOffset;

  Vma(long start, long end, int prot, boolean shared, String name) {
    this.start = start;
    this.end = end;
    this.prot = prot;
    this.shared = shared;
    this.name = name;
  }

  public long start() {
    return start;
  }

  public long end() {
    return end;
  }

  public int prot() {
    return prot;
  }

  public boolean shared() {
    return shared;
  }

  public String name() {
    return name;
  }

  public boolean readable() {
    return (prot & Mman.PROT_READ) != 0;
  }

  public boolean writable() {
    return (prot & Mman.PROT_WRITE) != 0;
  }

  public boolean executable() {
    return (prot & Mman.PROT_EXEC) != 0;
  }

  Vma copy() {
    Vma v = new Vma(start, end, prot, shared, name);
    v.fileIno = fileIno;
    v.fileOffset = fileOffset;
    return v;
  }

  public long fileIno() {
    return fileIno;
  }

  /** The file offset that virtual page {@code page} of this area maps. */
  public long fileOffsetOf(long page) {
    return fileOffset + (page - start);
  }

  @Override
  public String toString() {
    return String.format("%s [0x%x, 0x%x) prot %d%s", name, start, end, prot, shared ? " shared" : "");
  }
}
