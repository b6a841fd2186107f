package org.sego.api.attack;

import org.sego.api.Experimental;

/**
 * Points where a kernel turned malicious runs attack code. A kernel calls them on its own paths
 * (swap, reclaim, page-table updates); the system-call gate calls the system-call hooks for every
 * kernel. All are no-ops by default.
 */
@Experimental("hook points")
public interface KernelHooks {
  KernelHooks NONE = new KernelHooks() {};

  default void syscallEntry(int pid, String syscall) {}

  default void syscallExit(int pid, String syscall) {}

  /**
   * The value system call {@code syscall} of {@code pid} is about to return; a malicious kernel may
   * return another (an Iago attack). Returns {@code result} unchanged by default.
   */
  default long syscallResult(int pid, String syscall, long result) {
    return result;
  }

  /**
   * The kernel is about to submit a block request. Returning false drops it: the kernel acts as if
   * it completed without sending it to the device.
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
}
