package org.sego.guest.linuxlike.fs;

import java.util.TreeMap;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.guest.linuxlike.mm.AddressSpace;
import org.sego.guest.linuxlike.mm.MemoryManager;

/**
 * Files mapped into user space: mmap of an open file, the page-cache frame a fault in a file
 * mapping gets, msync, and collecting the writes made through shared mappings (the frames they
 * dirtied become dirty file data).
 */
public final class FileMappings {
  private final Files files;
  private final MemoryManager mm;

  FileMappings(Files files, MemoryManager mm) {
    this.files = files;
    this.mm = mm;
  }

  /** The page-cache frame for {@code offset} of file {@code ino} (a fault in a file mapping), or -errno. */
  long pageFrame(long ino, long offset, boolean forWrite) {
    int i = (int) ino;
    Lxfs fs = files.current();
    if (offset >= fs.size(i)) {
      return -Errno.EFAULT;
    }
    files.begin();
    try {
      long block = fs.bmap(i, offset / Lxfs.BS, true);
      return block < 0 ? block : fs.cache.frame(block);
    } finally {
      files.end(fs);
    }
  }

  /** mmap of an open file. */
  public long mmapFile(AddressSpace as, TreeMap<Integer, OpenFile> table, long address, long length, int prot, int flags,
      int fd, long offset) {
    OpenFile of = table.get(fd);
    if (of == null) {
      return -Errno.EBADF;
    }
    Lxfs fs = files.current(); // (mounted: a file is open)
    if (fs.mode(of.ino) != Lxfs.MODE_FILE) {
      return -Errno.ENODEV;
    }
    boolean shared = (flags & Mman.MAP_SHARED) != 0;
    if (length <= 0 || offset < 0 || (offset % Lxfs.BS) != 0 || shared == ((flags & Mman.MAP_PRIVATE) != 0)) {
      return -Errno.EINVAL;
    }
    if (shared && (prot & Mman.PROT_WRITE) != 0 && (of.flags & Fcntl.O_ACCMODE) != Fcntl.O_RDWR) {
      return -Errno.EACCES;
    }
    long len = (length + Lxfs.BS - 1) & ~(Lxfs.BS - 1L);
    long start;
    if ((flags & Mman.MAP_FIXED) != 0) {
      if ((address % Lxfs.BS) != 0 || address <= 0) {
        return -Errno.EINVAL;
      }
      start = address;
      harvest(as, start, start + len);
      mm.unmapRange(as, start, start + len);
      mm.removeAreas(as, start, start + len);
    } else {
      start = mm.findFree(as, len);
      if (start < 0) {
        return -Errno.ENOMEM;
      }
    }
    mm.addFileArea(as, start, start + len, prot, shared, of.ino, offset);
    return start;
  }

  /** Collects writes made through shared file mappings in a range (before unmapping it, or for msync). */
  public void harvest(AddressSpace as, long start, long end) {
    Lxfs fs = files.current();
    if (fs != null) {
      mm.harvestDirty(as, -1, start, end, fs.cache::dirtyFrame);
    }
  }

  public int msync(AddressSpace as, long address, long length, int flags) {
    boolean sync = (flags & Mman.MS_SYNC) != 0;
    boolean async = (flags & Mman.MS_ASYNC) != 0;
    if ((address % Lxfs.BS) != 0 || length < 0 || sync == async || (flags & ~5) != 0) {
      return -Errno.EINVAL;
    }
    long end = address + ((length + Lxfs.BS - 1) & ~(Lxfs.BS - 1L));
    if (!as.covered(address, end)) {
      return -Errno.ENOMEM;
    }
    harvest(as, address, end);
    Lxfs fs = files.current();
    if (sync && fs != null) {
      fs.journal.commit();
    }
    return 0;
  }
}
