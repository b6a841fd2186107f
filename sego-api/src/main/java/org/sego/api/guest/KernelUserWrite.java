package org.sego.api.guest;

import org.sego.api.Experimental;

/**
 * Every path on which a kernel writes into a process's memory (DESIGN §7). Each protection
 * strategy says how it handles each one ({@link org.sego.api.hv.ProtectionStrategy#userWriteHandling}),
 * so an honest kernel never raises a false alarm.
 */
@Experimental("grows with the guest kernel")
public enum KernelUserWrite {
  /** {@code read()} and the like copy their result into a user buffer. */
  SYSCALL_BUFFER("read(), pread(), readdir() copy results into a user buffer"),
  /** {@code stat()} fills a user struct. */
  STAT("stat() and fstat() fill a user struct"),
  /** A signal frame (the interrupted registers) is written to the user stack. */
  SIGNAL_FRAME("signal delivery writes the interrupted registers to the user stack"),
  /** A futex word is updated by the kernel. */
  FUTEX_WORD("futex wake and requeue update a user word"),
  /** {@code waitpid()} stores the child's status. */
  WAIT_STATUS("waitpid() stores the child's exit status"),
  /** {@code getrandom()} fills a user buffer. */
  RANDOM_BYTES("getrandom() fills a user buffer"),
  /** Copy-on-write after fork copies a page into a fresh frame. */
  FORK_COPY_ON_WRITE("a write fault after fork copies the shared page into a new frame");

  private final String description;

  KernelUserWrite(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** How a strategy lets the kernel do it. */
  public enum Handling {
    /** The kernel writes the page itself, which the strategy does not protect (or sees nothing to hide). */
    DIRECT,
    /** The trusted library passes an unprotected bounce buffer and copies the result in itself. */
    BOUNCE,
    /** The kernel asks the hypervisor by hypercall to do the write or copy. */
    HYPERCALL
  }
}
