package org.sego.api.attack;

import org.sego.api.Experimental;

/**
 * Points where a kernel turned malicious runs attack code. A kernel calls them on its own paths
 * (swap, reclaim, page-table updates, its file system); the run calls the system-call hooks (from
 * the system-call gate) and the block hooks (from the block queue, for every device request) for
 * every kernel. All are no-ops by default.
 */
@Experimental("hook points")
public interface KernelHooks {
  KernelHooks NONE = new KernelHooks() {};

  default void syscallEntry(int pid, String syscall) {}

  /**
   * System call {@code syscall} of {@code pid} entered the kernel with {@code args}: numbers,
   * strings and copies of arrays, in the method's order (an object such as a forked child's program
   * is shown as its type's name only). Calls {@link #syscallEntry(int, String)} by default.
   */
  default void syscallEntry(int pid, String syscall, java.util.List<Object> args) {
    syscallEntry(pid, syscall);
  }

  default void syscallExit(int pid, String syscall) {}

  /**
   * The value system call {@code syscall} of {@code pid} is about to return; a malicious kernel may
   * return another (an Iago attack). Returns {@code result} unchanged by default.
   */
  default long syscallResult(int pid, String syscall, long result) {
    return result;
  }

  /** As {@link #syscallResult(int, String, long)}, seeing the call's arguments; calls it by default. */
  default long syscallResult(int pid, String syscall, java.util.List<Object> args, long result) {
    return syscallResult(pid, syscall, result);
  }

  /**
   * The kernel is about to submit a block request (any device, any purpose: swap, file pages,
   * journal, metadata). Returning false drops it: it completes successfully without reaching the
   * device. A held device ({@link AdversaryOps#holdIo}) keeps it queued instead.
   */
  default boolean blockSubmit(String device, long block, boolean write) {
    return true;
  }

  /** A block request the kernel submitted completed with {@code status}. */
  default void blockComplete(String device, long block, boolean write, int status) {}

  /** A timer tick of the kernel, while processes exist. */
  default void tick(long nowNanos) {}

  /** A page of {@code pid} was written to swap slot {@code slot} (the write completed). */
  default void swappedOut(int pid, long vpn, long slot) {}

  /** The kernel is about to read {@code slot} back for {@code pid}'s page; returns the slot to read. */
  default long swapIn(int pid, long vpn, long slot) {
    return slot;
  }

  /** Reclaim looked at frame {@code gfn}. */
  default void reclaim(long gfn) {}

  /** The kernel changed an entry of {@code pid}'s page tables. */
  default void pageTableUpdate(int pid, long gva) {}

  /** The file system looked up {@code block} of {@code device} in its page cache; {@code hit} if it was cached. */
  default void pageCacheLookup(String device, long block, boolean hit) {}

  /** The file system is about to write back a dirty cached block (file data, metadata or journal). */
  default void writeBack(String device, long block) {}

  /** Process {@code pid} entered fsync of {@code inode}. */
  default void fsyncBegin(int pid, long inode) {}

  /** Process {@code pid}'s fsync of {@code inode} is about to return {@code status}. */
  default void fsyncEnd(int pid, long inode, int status) {}

  /** The journal committed transaction {@code sequence} (its commit block is durable on {@code device}). */
  default void journalCommit(String device, long sequence) {}
}
