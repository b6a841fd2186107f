package org.sego.guest.linuxlike;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Mman;
import org.sego.api.sim.Program;
import org.sego.api.posix.SignalHandler;
import org.sego.api.posix.Signals;
import org.sego.api.posix.Syscalls;
import org.sego.guest.linuxlike.mm.AddressSpace;
import org.sego.guest.linuxlike.mm.MemoryManager;
import org.sego.guest.linuxlike.mm.Vma;

/**
 * The system calls of one process, with Linux's semantics and error codes. A malformed argument is
 * answered with {@code -errno}; nothing throws out of a system call.
 */
final class ProcessSyscalls implements Syscalls {
  private static final long MAX_RANDOM = 33_554_431;
  private static final int VALID_PROT = Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC;

  private final LinuxKernel kernel;
  private final int pid;

  ProcessSyscalls(LinuxKernel kernel, int pid) {
    this.kernel = kernel;
    this.pid = pid;
  }

  private Process self() {
    return kernel.process(pid);
  }

  private MemoryManager mm() {
    return kernel.memory();
  }

  @Override
  public int getpid() {
    return pid;
  }

  @Override
  public int getppid() {
    return self().ppid;
  }

  @Override
  public void yield() {
    kernel.ports.cpu().yield();
  }

  @Override
  public long clockNanos() {
    return kernel.ports.clock().nowNanos();
  }

  @Override
  public void exit(int status) {
    self().exitStatus = status;
  }

  @Override
  public long brk(long address) {
    AddressSpace as = self().space;
    long current = as.brk();
    if (address == 0 || address < AddressSpace.HEAP_BASE) {
      return current;
    }
    long oldEnd = align(current);
    long newEnd = align(address);
    if (newEnd > oldEnd) {
      if (newEnd > AddressSpace.MMAP_TOP || as.overlaps(oldEnd, newEnd) || !mm().mayCommit(newEnd - oldEnd)) {
        return current;
      }
      mm().addArea(as, oldEnd, newEnd, Mman.PROT_READ | Mman.PROT_WRITE, false, "heap");
    } else if (newEnd < oldEnd) {
      mm().unmapRange(as, newEnd, oldEnd);
      removeAreas(as, newEnd, oldEnd);
    }
    setBrk(as, address);
    return address;
  }

  @Override
  public long mmap(long address, long length, int prot, int flags) {
    if (length <= 0 || (prot & ~VALID_PROT) != 0) {
      return -Errno.EINVAL;
    }
    boolean shared = (flags & Mman.MAP_SHARED) != 0;
    boolean priv = (flags & Mman.MAP_PRIVATE) != 0;
    if (shared == priv) {
      return -Errno.EINVAL;
    }
    if ((flags & Mman.MAP_ANONYMOUS) == 0) {
      // File mappings come with the file system (part 2 of the guest kernel).
      return -Errno.EBADF;
    }
    if ((flags & ~(Mman.MAP_SHARED | Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED)) != 0) {
      return -Errno.EINVAL;
    }
    long len = align(length);
    if (len <= 0 || len > AddressSpace.MMAP_TOP || !mm().mayCommit(len)) {
      return -Errno.ENOMEM;
    }
    AddressSpace as = self().space;
    long start;
    if ((flags & Mman.MAP_FIXED) != 0) {
      if ((address & X86.PAGE_MASK) != 0 || address <= 0 || address + len > X86.USER_TOP || address + len < address) {
        return -Errno.EINVAL;
      }
      start = address;
      kernel.files.mappings.harvest(as, start, start + len);
      mm().unmapRange(as, start, start + len);
      removeAreas(as, start, start + len);
    } else {
      start = mm().findFree(as, len);
      if (start < 0) {
        return -Errno.ENOMEM;
      }
    }
    mm().addArea(as, start, start + len, prot, shared, shared ? "shared" : "anon");
    kernel.ports.cpu().charge(CostCategory.COMPUTE, kernel.memory().costs.mmap());
    return start;
  }

  @Override
  public long mmapFile(long address, long length, int prot, int flags, int fd, long offset) {
    if ((prot & ~VALID_PROT) != 0) {
      return -Errno.EINVAL;
    }
    return kernel.files.mappings.mmapFile(self().space, self().files, address, length, prot, flags, fd, offset);
  }

  @Override
  public int msync(long address, long length, int flags) {
    return kernel.files.mappings.msync(self().space, address, length, flags);
  }

  @Override
  public int munmap(long address, long length) {
    if ((address & X86.PAGE_MASK) != 0 || length <= 0 || address < 0 || address + length > X86.USER_TOP) {
      return -Errno.EINVAL;
    }
    AddressSpace as = self().space;
    long end = address + align(length);
    kernel.files.mappings.harvest(as, address, end);
    mm().unmapRange(as, address, end);
    removeAreas(as, address, end);
    return 0;
  }

  @Override
  public int mprotect(long address, long length, int prot) {
    if ((address & X86.PAGE_MASK) != 0 || length < 0 || (prot & ~VALID_PROT) != 0) {
      return -Errno.EINVAL;
    }
    if (length == 0) {
      return 0;
    }
    AddressSpace as = self().space;
    long end = address + align(length);
    if (end > X86.USER_TOP || !as.covered(address, end)) {
      return -Errno.ENOMEM;
    }
    for (Vma v : mm().protect(as, address, end, prot)) {
      mm().reprotect(as, v, v.start(), v.end());
    }
    return 0;
  }

  @Override
  public int fork(Program child) {
    if (child == null) {
      return -Errno.EINVAL;
    }
    return kernel.fork(self(), child);
  }

  @Override
  public int waitpid(int childPid, long statusAddress) {
    Process p = self();
    if (childPid != -1 && (childPid <= 0 || !p.children.contains(childPid))) {
      return -Errno.ECHILD;
    }
    if (p.children.isEmpty()) {
      return -Errno.ECHILD;
    }
    while (true) {
      for (int c : p.children) {
        Process child = kernel.process(c);
        if ((childPid == -1 || c == childPid) && child != null && child.zombie) {
          if (statusAddress != 0) {
            byte[] status = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(child.exitStatus).array();
            if (mm().copyToUser(p.space, statusAddress, status, 0, 4, org.sego.api.guest.KernelUserWrite.WAIT_STATUS) != 0) {
              return -Errno.EFAULT;
            }
          }
          p.children.remove(c);
          kernel.processes.remove(c);
          return c;
        }
      }
      if ((p.pending & ~(1L << Signals.SIGCHLD)) != 0) {
        return -Errno.EINTR;
      }
      p.waiting = true;
      kernel.ports.cpu().block(CostCategory.IDLE);
      p.waiting = false;
    }
  }

  @Override
  public long getrandom(long address, long length) {
    if (length < 0) {
      return -Errno.EINVAL;
    }
    long n = Math.min(length, MAX_RANDOM);
    byte[] bytes = new byte[(int) n];
    kernel.ports.random().nextBytes(bytes);
    if (mm().copyToUser(self().space, address, bytes, 0, bytes.length, org.sego.api.guest.KernelUserWrite.RANDOM_BYTES) != 0) {
      return -Errno.EFAULT;
    }
    return n;
  }

  @Override
  public int sigaction(int signal, SignalHandler handler) {
    if (signal <= 0 || signal >= Signals.NSIG || signal == Signals.SIGKILL) {
      return -Errno.EINVAL;
    }
    self().handlers[signal] = handler;
    return 0;
  }

  @Override
  public int kill(int target, int signal) {
    if (signal < 0 || signal >= Signals.NSIG) {
      return -Errno.EINVAL;
    }
    Process t = kernel.process(target);
    if (t == null || t.zombie) {
      return -Errno.ESRCH;
    }
    if (signal == 0) {
      return 0;
    }
    t.raise(signal);
    if (t.waiting) {
      kernel.ports.cpu().wake(target);
    }
    return 0;
  }

  // ---- files ----------------------------------------------------------------------------------

  @Override
  public int open(String path, int flags) {
    return kernel.files.open(self().files, path, flags);
  }

  @Override
  public int close(int fd) {
    return kernel.files.close(self().files, fd);
  }

  @Override
  public long read(int fd, long buffer, long length) {
    return kernel.files.read(self().space, self().files, fd, buffer, length, 0, true);
  }

  @Override
  public long write(int fd, long buffer, long length) {
    return kernel.files.write(self().space, self().files, fd, buffer, length, 0, true);
  }

  @Override
  public long pread(int fd, long buffer, long length, long offset) {
    return kernel.files.read(self().space, self().files, fd, buffer, length, offset, false);
  }

  @Override
  public long pwrite(int fd, long buffer, long length, long offset) {
    return kernel.files.write(self().space, self().files, fd, buffer, length, offset, false);
  }

  @Override
  public long lseek(int fd, long offset, int whence) {
    return kernel.files.lseek(self().files, fd, offset, whence);
  }

  @Override
  public int fsync(int fd) {
    return kernel.files.fsync(self().files, fd);
  }

  @Override
  public int fdatasync(int fd) {
    return kernel.files.fsync(self().files, fd);
  }

  @Override
  public int ftruncate(int fd, long length) {
    return kernel.files.ftruncate(self().files, fd, length);
  }

  @Override
  public int unlink(String path) {
    return kernel.files.unlink(path);
  }

  @Override
  public int mkdir(String path) {
    return kernel.files.mkdir(path);
  }

  @Override
  public int rmdir(String path) {
    return kernel.files.rmdir(path);
  }

  @Override
  public int rename(String from, String to) {
    return kernel.files.rename(from, to);
  }

  @Override
  public int stat(String path, long statBuffer) {
    return kernel.files.stat(self().space, path, statBuffer);
  }

  @Override
  public long readdir(int fd, long buffer, long length) {
    return kernel.files.readdir(self().space, self().files, fd, buffer, length);
  }

  private static long align(long v) {
    return (v + X86.PAGE_MASK) & ~X86.PAGE_MASK;
  }

  private void removeAreas(AddressSpace as, long start, long end) {
    mm().removeAreas(as, start, end);
  }

  private void setBrk(AddressSpace as, long address) {
    mm().setBrk(as, address);
  }
}
