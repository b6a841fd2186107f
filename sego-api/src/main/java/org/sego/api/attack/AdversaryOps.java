package org.sego.api.attack;

import org.sego.api.Experimental;

/**
 * What a malicious kernel can do, and all an attack may use. Every call, and every byte it returns,
 * is logged for the judge.
 */
@Experimental("adversary operations")
public interface AdversaryOps {
  /** The process under attack (the victim HAP). */
  int victimPid();

  /** Virtual addresses of the pages {@code pid} has present (4 KiB or within 2 MiB pages), ascending. */
  long[] residentPages(int pid);

  /** The leaf entry mapping {@code gva} in {@code pid}'s page tables, or 0. */
  long readPte(int pid, long gva);

  /** Rewrites the 4 KiB leaf entry mapping {@code gva} (and invalidates the TLB); false if there is none. */
  boolean writePte(int pid, long gva, long entry);

  /** A guest frame through the OS view, or null if the view denies it. */
  byte[] readFrame(long gfn);

  /** Overwrites a guest frame through the OS view; false if denied. */
  boolean writeFrame(long gfn, byte[] data);

  /**
   * Raw read of a block of a guest device, as the kernel's driver could: through the virtual device,
   * whose strategy may refuse it (a protected block); null when refused.
   */
  byte[] readBlock(String device, long block);

  /** Raw write of a block of a guest device, through the virtual device; false when it refused. */
  boolean writeBlock(String device, long block, byte[] data);

  /**
   * Crashes the machine now (a power failure if {@code powerFailure}): nothing more runs in this
   * boot; the judge reboots on the same volumes and starts the victim again, with the same hooks.
   */
  void crash(boolean powerFailure);

  /**
   * Sends {@code call} on the kernel's hypercall port, as the kernel could — never in a HAP's mode:
   * a HAP's hypercall sent this way is refused by the hypervisor.
   */
  org.sego.api.hypercall.HypercallResult hypercall(org.sego.api.hypercall.Hypercall call);

  /** Which boot this is: 0 until the first crash. */
  int boot();

  /** A note for the evidence. */
  void note(String text);
}
