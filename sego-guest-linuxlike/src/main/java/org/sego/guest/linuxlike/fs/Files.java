package org.sego.guest.linuxlike.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.sim.CostCategory;
import org.sego.api.guest.KernelPorts;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.guest.linuxlike.mm.AddressSpace;
import org.sego.guest.linuxlike.mm.MemoryManager;

/**
 * The file system calls, with POSIX semantics and error codes. File bytes move between the page
 * cache's frames and user memory; nothing about a file lives anywhere else.
 */
public final class Files {
  private final KernelPorts ports;
  private final MemoryManager mm;
  private final String device;
  private Lxfs fs;
  /** While the first use mounts the file system, the processes waiting for it; null otherwise. */
  private java.util.List<Integer> mounting;
  private int mounter = -1;
  private final boolean dataJournal;
  private final Names names = new Names(this);
  /** Files mapped into user space: mmap of an open file, its page faults, msync. */
  public final FileMappings mappings;
  /** Open descriptions per inode, so an unlinked file lives until its last close. */
  private final Map<Integer, Integer> openCount = new HashMap<>();

  public Files(KernelPorts ports, MemoryManager mm, String device, boolean dataJournal) {
    this.dataJournal = dataJournal;
    this.ports = ports;
    this.mm = mm;
    this.device = device;
    this.mappings = new FileMappings(this, mm);
  }

  /** The file system if it is mounted (never mounting it). */
  Lxfs current() {
    return fs;
  }

  /** Whether file {@code ino} is open anywhere (an unlinked file lives until its last close). */
  boolean isOpen(int ino) {
    return openCount.containsKey(ino);
  }

  /**
   * The mounted file system, mounting (and formatting a blank device) on first use; null without a
   * device. Mounting waits for the device, so a process that comes here while another mounts waits
   * for that mount: two mounts of one device would be two caches writing the same blocks.
   */
  Lxfs fs() {
    while (fs == null && mounting != null) {
      if (ports.cpu().currentPid() < 0 || ports.cpu().currentPid() == mounter) {
        throw new IllegalStateException("linuxlike: the file system is being mounted; pid " + ports.cpu().currentPid()
            + " cannot wait for it here");
      }
      mounting.add(ports.cpu().currentPid());
      ports.cpu().block(CostCategory.IO_WAIT);
    }
    if (fs == null && !device.isEmpty()) {
      mounting = new java.util.ArrayList<>();
      mounter = ports.cpu().currentPid();
      try {
        BufferCache cache = new BufferCache(ports, device, mm::allocKernelFrame, mm::freeKernelFrame, mm.hap());
        cache.setMapped(f -> mm.frames().mapcount(f) > 0);
        cache.setHapMarker(f -> mm.frames().addFlag(f, org.sego.guest.linuxlike.mm.FrameTable.HAP));
        mm.addShrinker(cache::shrink);
        Lxfs mounted = Lxfs.mount(cache, dataJournal);
        mm.setFilePages(new MemoryManager.FilePages() {
          @Override
          public long frame(long ino, long offset, boolean forWrite) {
            return mappings.pageFrame(ino, offset, forWrite);
          }

          @Override
          public void markSecure(long ino) {
            mounted.markSecure(ino);
          }
        });
        fs = mounted;
      } finally {
        for (int pid : mounting) {
          ports.cpu().wake(pid);
        }
        mounting = null;
        mounter = -1;
      }
    }
    return fs;
  }

  /** The kernel's clock, for the times lxfs records. */
  long now() {
    return ports.clock().nowNanos();
  }

  public Lxfs mounted() {
    return fs();
  }

  private int openInOperation(TreeMap<Integer, OpenFile> table, String path, int flags) {
    Lxfs f = fs();
    if (f == null) {
      return -Errno.ENODEV;
    }
    int acc = flags & Fcntl.O_ACCMODE;
    if (acc == Fcntl.O_ACCMODE) {
      return -Errno.EINVAL;
    }
    int ino = f.dirs.resolve(path);
    if (ino == -Errno.ENOENT && (flags & Fcntl.O_CREAT) != 0) {
      Object[] p = f.dirs.parent(path);
      int dir = (int) p[0];
      if (dir < 0) {
        return dir;
      }
      ino = f.allocInode(Lxfs.MODE_FILE);
      if (ino < 0) {
        return ino;
      }
      int r = f.dirs.addEntry(dir, (String) p[1], ino, Lxfs.MODE_FILE);
      if (r < 0) {
        f.freeInode(ino);
        return r;
      }
      f.setLinks(ino, 1);
      f.setMtime(ino, now());
      f.setMtime(dir, now());
    } else if (ino < 0) {
      return ino;
    } else if ((flags & (Fcntl.O_CREAT | Fcntl.O_EXCL)) == (Fcntl.O_CREAT | Fcntl.O_EXCL)) {
      return -Errno.EEXIST;
    }
    boolean dir = f.mode(ino) == Lxfs.MODE_DIR;
    if (dir && (acc != Fcntl.O_RDONLY || (flags & Fcntl.O_TRUNC) != 0)) {
      return -Errno.EISDIR; // Linux: a directory is never opened for writing, nor truncated
    }
    if (!dir && (flags & Fcntl.O_DIRECTORY) != 0) {
      return -Errno.ENOTDIR;
    }
    if (!dir && (flags & Fcntl.O_TRUNC) != 0 && acc != Fcntl.O_RDONLY) {
      f.truncate(ino, 0);
      f.setMtime(ino, now()); // POSIX: O_TRUNC of an existing file marks it modified, whatever its size was
    }
    int fd = 3;
    while (table.containsKey(fd)) {
      fd++;
    }
    table.put(fd, new OpenFile(ino, flags));
    openCount.merge(ino, 1, Integer::sum);
    return fd;
  }

  private int closeInOperation(TreeMap<Integer, OpenFile> table, int fd) {
    OpenFile of = table.remove(fd);
    if (of == null) {
      return -Errno.EBADF;
    }
    release(of);
    return 0;
  }

  /** Closes every descriptor of an exiting process. */
  private void closeAllInOperation(TreeMap<Integer, OpenFile> table) {
    for (OpenFile of : table.values()) {
      release(of);
    }
    table.clear();
  }

  /** Drops one descriptor's reference to an open description; the last frees an unlinked file. */
  private void release(OpenFile of) {
    if (--of.refs > 0) {
      return;
    }
    int left = openCount.merge(of.ino, -1, Integer::sum);
    if (left <= 0) {
      openCount.remove(of.ino);
      freeIfUnreferenced(of.ino);
    }
  }

  /** A name of file {@code ino} is gone: one link less, and the file is freed if nothing refers to it. */
  void unlinkOne(int ino) {
    fs.setLinks(ino, fs.links(ino) - 1);
    freeIfUnreferenced(ino);
  }

  /** Frees a file with no name left and no open descriptor. */
  private void freeIfUnreferenced(int ino) {
    if (fs.inodeAllocated(ino) && fs.links(ino) == 0 && !isOpen(ino)) {
      fs.truncate(ino, 0);
      fs.freeInode(ino);
    }
  }

  private OpenFile file(TreeMap<Integer, OpenFile> table, int fd) {
    return table.get(fd);
  }

  public long read(AddressSpace as, TreeMap<Integer, OpenFile> table, int fd, long buf, long len, long at, boolean advance) {
    OpenFile of = file(table, fd);
    if (of == null || (of.flags & Fcntl.O_ACCMODE) == Fcntl.O_WRONLY) {
      return -Errno.EBADF;
    }
    if (fs.mode(of.ino) == Lxfs.MODE_DIR) {
      return -Errno.EISDIR;
    }
    long off = advance ? of.offset : at;
    if (len < 0 || off < 0) {
      return -Errno.EINVAL;
    }
    long n = Math.max(0, Math.min(len, fs.size(of.ino) - off));
    byte[] chunk = new byte[Lxfs.BS];
    long done = 0;
    while (done < n) {
      long pos = off + done;
      int inBlock = (int) (pos % Lxfs.BS);
      int m = (int) Math.min(n - done, Lxfs.BS - inBlock);
      long block = fs.bmap(of.ino, pos / Lxfs.BS, false);
      if (block > 0) {
        fs.cache.read(block, inBlock, chunk, 0, m);
      } else {
        java.util.Arrays.fill(chunk, 0, m, (byte) 0);
      }
      if (mm.copyToUser(as, buf + done, chunk, 0, m, org.sego.api.guest.KernelUserWrite.SYSCALL_BUFFER) != 0) {
        return done > 0 ? done : -Errno.EFAULT;
      }
      done += m;
    }
    if (advance) {
      of.offset += done;
    }
    return done;
  }

  private long writeInOperation(AddressSpace as, TreeMap<Integer, OpenFile> table, int fd, long buf, long len, long at, boolean advance) {
    OpenFile of = file(table, fd);
    if (of == null || (of.flags & Fcntl.O_ACCMODE) == Fcntl.O_RDONLY) {
      return -Errno.EBADF;
    }
    long off = advance ? ((of.flags & Fcntl.O_APPEND) != 0 ? fs.size(of.ino) : of.offset) : at;
    if (len < 0 || off < 0) {
      return -Errno.EINVAL;
    }
    if (len == 0) {
      return 0; // POSIX: a write of nothing changes neither the size nor the time
    }
    if (off >= Lxfs.MAX_FILE_SIZE) {
      return -Errno.EFBIG;
    }
    byte[] chunk = new byte[Lxfs.BS];
    long done = 0;
    while (done < len) {
      long pos = off + done;
      int inBlock = (int) (pos % Lxfs.BS);
      int m = (int) Math.min(len - done, Lxfs.BS - inBlock);
      if (mm.copyFromUser(as, buf + done, chunk, 0, m) != 0) {
        if (done == 0) {
          return -Errno.EFAULT;
        }
        break;
      }
      long block = fs.bmap(of.ino, pos / Lxfs.BS, true);
      if (block < 0) {
        if (done == 0) {
          return block;
        }
        break;
      }
      fs.cache.writeData(block, inBlock, chunk, 0, m);
      done += m;
    }
    if (off + done > fs.size(of.ino)) {
      fs.setSize(of.ino, off + done);
    }
    fs.setMtime(of.ino, ports.clock().nowNanos());
    if (advance) {
      of.offset = off + done;
    }
    return done;
  }

  public long lseek(TreeMap<Integer, OpenFile> table, int fd, long offset, int whence) {
    OpenFile of = file(table, fd);
    if (of == null) {
      return -Errno.EBADF;
    }
    long base;
    switch (whence) {
      case Fcntl.SEEK_SET:
        base = 0;
        break;
      case Fcntl.SEEK_CUR:
        base = of.offset;
        break;
      case Fcntl.SEEK_END:
        base = fs.size(of.ino);
        break;
      default:
        return -Errno.EINVAL;
    }
    long to = base + offset;
    if (to < 0) {
      return -Errno.EINVAL;
    }
    of.offset = to;
    return to;
  }

  /** Writes every dirty block back and flushes the device: durable when this returns. */
  public int fsync(TreeMap<Integer, OpenFile> table, int fd) {
    if (file(table, fd) == null) {
      return -Errno.EBADF;
    }
    long ino = file(table, fd).ino;
    var hooks = fs.cache.ports().hooks();
    int pid = fs.cache.ports().cpu().currentPid();
    hooks.fsyncBegin(pid, ino);
    mm.harvestDirty(null, ino, 0, Long.MAX_VALUE, fs.cache::dirtyFrame);
    fs.journal.commit();
    hooks.fsyncEnd(pid, ino, 0);
    return 0;
  }

  private int ftruncateInOperation(TreeMap<Integer, OpenFile> table, int fd, long length) {
    OpenFile of = file(table, fd);
    if (of == null) {
      return -Errno.EBADF;
    }
    if (length < 0 || (of.flags & Fcntl.O_ACCMODE) == Fcntl.O_RDONLY || fs.mode(of.ino) != Lxfs.MODE_FILE) {
      return -Errno.EINVAL;
    }
    if (length > Lxfs.MAX_FILE_SIZE) {
      return -Errno.EFBIG;
    }
    long size = fs.size(of.ino);
    if (length < size) {
      fs.truncate(of.ino, length);
    } else {
      fs.setSize(of.ino, length);
    }
    if (length != size) {
      fs.setMtime(of.ino, now()); // POSIX: a size change marks the file modified
    }
    return 0;
  }

  public int stat(AddressSpace as, String path, long buf) {
    Lxfs f = fs();
    if (f == null) {
      return -Errno.ENODEV;
    }
    int ino = f.dirs.resolve(path);
    if (ino < 0) {
      return ino;
    }
    ByteBuffer b = ByteBuffer.allocate(Fcntl.STAT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, ino).putLong(8, f.size(ino))
        .putInt(16, f.mode(ino) == Lxfs.MODE_DIR ? Fcntl.S_IFDIR : Fcntl.S_IFREG).putInt(20, f.links(ino))
        .putLong(24, f.mtime(ino));
    return mm.copyToUser(as, buf, b.array(), 0, Fcntl.STAT_BYTES, org.sego.api.guest.KernelUserWrite.STAT) == 0 ? 0 : -Errno.EFAULT;
  }

  public long readdir(AddressSpace as, TreeMap<Integer, OpenFile> table, int fd, long buf, long len) {
    OpenFile of = file(table, fd);
    if (of == null) {
      return -Errno.EBADF;
    }
    if (fs.mode(of.ino) != Lxfs.MODE_DIR) {
      return -Errno.ENOTDIR;
    }
    if (len < Fcntl.DIRENT_BYTES) {
      return -Errno.EINVAL;
    }
    long written = 0;
    while (written + Fcntl.DIRENT_BYTES <= len) {
      Object[] e = fs.dirs.entry(of.ino, of.offset);
      if (e == null) {
        break;
      }
      of.offset++;
      if ((int) e[0] == 0) {
        continue;
      }
      byte[] name = ((String) e[1]).getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(Fcntl.DIRENT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(0, (int) e[0]).putInt(8, name.length).putInt(12, (int) e[2]);
      b.position(16);
      b.put(name, 0, Math.min(name.length, 48));
      if (mm.copyToUser(as, buf + written, b.array(), 0, Fcntl.DIRENT_BYTES, org.sego.api.guest.KernelUserWrite.SYSCALL_BUFFER) != 0) {
        return written > 0 ? written : -Errno.EFAULT;
      }
      written += Fcntl.DIRENT_BYTES;
    }
    return written;
  }

  public int open(TreeMap<Integer, OpenFile> table, String path, int flags) {
    return op(() -> openInOperation(table, path, flags));
  }

  public int close(TreeMap<Integer, OpenFile> table, int fd) {
    if (!table.containsKey(fd)) {
      return -Errno.EBADF; // (not open: nothing to do, nothing to mount)
    }
    return op(() -> closeInOperation(table, fd));
  }

  public void closeAll(TreeMap<Integer, OpenFile> table) {
    if (table.isEmpty()) {
      return; // (a process that opened nothing does not mount the file system at its exit)
    }
    op(() -> {
      closeAllInOperation(table);
      return null;
    });
  }

  public long write(AddressSpace as, TreeMap<Integer, OpenFile> table, int fd, long buf, long len, long at, boolean advance) {
    return op(() -> writeInOperation(as, table, fd, buf, len, at, advance));
  }

  public int ftruncate(TreeMap<Integer, OpenFile> table, int fd, long length) {
    return op(() -> ftruncateInOperation(table, fd, length));
  }

  public int unlink(String path) {
    return op(() -> names.unlink(path));
  }

  public int mkdir(String path) {
    return op(() -> names.mkdir(path));
  }

  public int rmdir(String path) {
    return op(() -> names.rmdir(path));
  }

  public int rename(String from, String to) {
    return op(() -> names.rename(from, to));
  }

  /**
   * Runs one file-system operation: a journal commit waits until every operation in progress ends.
   * The file system is mounted first if need be, so the operation is counted from its start and
   * ends what it began.
   */
  private <T> T op(java.util.function.Supplier<T> operation) {
    Lxfs f = begin();
    try {
      return operation.get();
    } finally {
      end(f);
    }
  }

  /** An operation begins: the file system it is counted in (mounted if need be; null without a device), to give {@link #end}. */
  Lxfs begin() {
    Lxfs f = fs == null && !device.isEmpty() ? fs() : fs;
    if (f != null) {
      f.journal.begin();
    }
    return f;
  }

  void end(Lxfs f) {
    if (f != null) {
      f.journal.end();
    }
  }

  /** The flusher's period: collects writes through shared mappings, then starts writing dirty file data home (ordered mode). */
  public void flusherTick(int maxBlocks) {
    if (fs != null) {
      mm.harvestDirty(null, -1, 0, Long.MAX_VALUE, fs.cache::dirtyFrame);
      if (!dataJournal) {
        fs.cache.writeBackData(maxBlocks);
      }
    }
  }

  /** The kernel's {@code dropCaches()}: drops every clean page-cache block; returns how many. */
  public int dropCaches() {
    return fs == null ? 0 : fs.cache.dropClean();
  }
}
