package org.sego.api.sim;

import org.sego.api.posix.Syscalls;

import org.sego.api.Stable;

/**
 * What a running process can do: touch its virtual memory (through TLB, MMU and EPT; a fault
 * enters the kernel synchronously), make system calls, charge ALU work, and see its registers.
 */
@Stable(since = "0.1")
public interface UserContext {
  long load64(long gva);

  void store64(long gva, long value);

  byte load8(long gva);

  void store8(long gva, byte value);

  void read(long gva, byte[] dst, int off, int len);

  void write(long gva, byte[] src, int off, int len);

  Syscalls syscalls();

  /** Charges {@code ops} ALU operations at the cost profile's rate. */
  void compute(long ops);

  /** The live register file, laid out as {@link Registers}. */
  long[] registers();

  int pid();

  /**
   * The hypercall instruction from user mode, which a HAP's trusted library uses; charged {@code
   * hv.hypercall}.
   */
  default org.sego.api.hypercall.Hypercalls hypercalls() {
    throw new UnsupportedOperationException("this context makes no hypercalls");
  }
}
