package org.sego.api.posix;

import org.sego.api.sim.Program;

import org.sego.api.Experimental;

/**
 * The system calls a process can make. Each enters the kernel (charged {@code cpu.syscall}) and
 * returns a value, or {@code -errno} on failure ({@link Errno}); none throws. Grows by {@code
 * default} methods that answer {@code -ENOSYS} until a kernel implements them.
 */
@Experimental("grows with the guest kernel")
public interface Syscalls {
  int getpid();

  /** Gives up the CPU to another runnable process, if any. */
  void yield();

  /** Simulated time in nanoseconds. */
  long clockNanos();

  /** Ends the process; does not return. */
  void exit(int status);

  /** The parent's pid, or 0 for a process the orchestrator started. */
  default int getppid() {
    return -Errno.ENOSYS;
  }

  /**
   * Sets the end of the heap to {@code address} and returns the new end; returns the current end,
   * unchanged, when {@code address} is 0 or cannot be granted (Linux's semantics).
   */
  default long brk(long address) {
    return -Errno.ENOSYS;
  }

  /** Maps {@code length} bytes ({@link Mman} prot and flags); returns the address or {@code -errno}. */
  default long mmap(long address, long length, int prot, int flags) {
    return -Errno.ENOSYS;
  }

  /**
   * Maps {@code length} bytes of open file {@code fd} from {@code offset} (page-aligned):
   * {@code MAP_SHARED} writes reach the file, {@code MAP_PRIVATE} ones stay private copies.
   */
  default long mmapFile(long address, long length, int prot, int flags, int fd, long offset) {
    return -Errno.ENOSYS;
  }

  /** Writes a shared file mapping's dirty pages back ({@link Mman#MS_SYNC}: and makes them durable). */
  default int msync(long address, long length, int flags) {
    return -Errno.ENOSYS;
  }

  default int munmap(long address, long length) {
    return -Errno.ENOSYS;
  }

  default int mprotect(long address, long length, int prot) {
    return -Errno.ENOSYS;
  }

  /**
   * Copies this process's address space copy-on-write into a new process that runs {@code child};
   * returns the child's pid in the parent.
   */
  default int fork(Program child) {
    return -Errno.ENOSYS;
  }

  /**
   * Waits for child {@code pid} (or any child, for -1) to end; stores its exit status as a 32-bit
   * int at {@code statusAddress} (a user address, or 0 for none) and returns its pid.
   */
  default int waitpid(int pid, long statusAddress) {
    return -Errno.ENOSYS;
  }

  /** Fills {@code length} bytes at user address {@code address} with random bytes; returns the count. */
  default long getrandom(long address, long length) {
    return -Errno.ENOSYS;
  }

  /** Installs {@code handler} for {@code signal} (null restores the default action). */
  default int sigaction(int signal, SignalHandler handler) {
    return -Errno.ENOSYS;
  }

  /** Sends {@code signal} to process {@code pid}. */
  default int kill(int pid, int signal) {
    return -Errno.ENOSYS;
  }

  /** Opens {@code path} ({@link Fcntl} flags); returns a file descriptor. */
  default int open(String path, int flags) {
    return -Errno.ENOSYS;
  }

  /** {@code creat(path)}: {@code open(path, O_WRONLY | O_CREAT | O_TRUNC)}. */
  default int creat(String path) {
    return open(path, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_TRUNC);
  }

  default int close(int fd) {
    return -Errno.ENOSYS;
  }

  /** Reads up to {@code length} bytes at the file offset into user memory at {@code buffer}; returns the count. */
  default long read(int fd, long buffer, long length) {
    return -Errno.ENOSYS;
  }

  default long write(int fd, long buffer, long length) {
    return -Errno.ENOSYS;
  }

  default long pread(int fd, long buffer, long length, long offset) {
    return -Errno.ENOSYS;
  }

  default long pwrite(int fd, long buffer, long length, long offset) {
    return -Errno.ENOSYS;
  }

  default long lseek(int fd, long offset, int whence) {
    return -Errno.ENOSYS;
  }

  /** Makes the file's data and metadata durable; returns when the device has confirmed it. */
  default int fsync(int fd) {
    return -Errno.ENOSYS;
  }

  default int fdatasync(int fd) {
    return -Errno.ENOSYS;
  }

  default int ftruncate(int fd, long length) {
    return -Errno.ENOSYS;
  }

  default int unlink(String path) {
    return -Errno.ENOSYS;
  }

  default int mkdir(String path) {
    return -Errno.ENOSYS;
  }

  default int rmdir(String path) {
    return -Errno.ENOSYS;
  }

  default int rename(String from, String to) {
    return -Errno.ENOSYS;
  }

  /** Writes {@link Fcntl#STAT_BYTES} about {@code path} to user memory at {@code statBuffer}. */
  default int stat(String path, long statBuffer) {
    return -Errno.ENOSYS;
  }

  /** Writes directory records ({@link Fcntl#DIRENT_BYTES} each) from the directory's offset; returns bytes, 0 at the end. */
  default long readdir(int fd, long buffer, long length) {
    return -Errno.ENOSYS;
  }
}
