package org.sego.api.attack;

import org.sego.api.Experimental;

/**
 * What a malicious kernel can do, and all an attack may use. Every call, and every byte it returns,
 * is logged for the judge; bytes the adversary wrote itself never count as observed. An instance is
 * valid for one boot: after a crash every call throws {@link IllegalStateException}, and the next
 * boot's hooks get a new one.
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
  default boolean writePte(int pid, long gva, long entry) {
    return writePte(pid, gva, entry, true);
  }

  /**
   * Rewrites the 4 KiB leaf entry mapping {@code gva}; with {@code invalidate} false the TLB keeps
   * whatever translation it cached (a stale mapping); false if there is no such entry.
   */
  boolean writePte(int pid, long gva, long entry, boolean invalidate);

  /** The page-table root (cr3) of process {@code pid}, or -1 if there is no such process. */
  long cr3(int pid);

  /**
   * Creates a process of the adversary's own (no code of the victim's; it waits until the victim
   * has ended, then exits) with an address space the kernel built; returns its pid, or -1.
   */
  int createProcess();

  /**
   * Maps guest frame {@code gfn} at {@code gva} (4 KiB, user, writable if asked) in a process the
   * adversary created, the kernel building the tables on the way; false if refused or impossible.
   * {@code gva} must lie in that process's stack (the 64 KiB below its initial stack pointer, {@link
   * #stackOf}).
   */
  boolean mapFrame(int pid, long gva, long gfn, boolean writable);

  /** The lowest and one past the highest address of the stack of a process the adversary created, or null. */
  long[] stackOf(int pid);

  /** A 4 KiB page read at {@code gva} as process {@code pid} (its translation, its EPT view); null if it faults. */
  byte[] readAs(int pid, long gva);

  /** Writes up to 4 KiB at page {@code gva} as process {@code pid}; false if it faults. */
  boolean writeAs(int pid, long gva, byte[] data);

  /**
   * DMA of one block of guest device {@code device} into guest frame {@code gfn}, through the
   * mediated path (the strategy sees it and may refuse it); false when refused.
   */
  boolean dmaToFrame(String device, long block, long gfn);

  /** DMA of guest frame {@code gfn} to one block of {@code device}, through the mediated path; false when refused. */
  boolean dmaFromFrame(long gfn, String device, long block);

  /**
   * Holds the kernel's requests to {@code device}: from now on they queue in the kernel, unsent,
   * until {@link #releaseIo}. With it an attack delays and reorders I/O.
   */
  void holdIo(String device);

  /** Sends the requests held for {@code device}, in submission order or reversed; returns how many. */
  int releaseIo(String device, boolean reversed);

  /**
   * Submits again, now, the last write request the kernel sent covering {@code block} of {@code
   * device} (its frames hold what they hold now), through the mediated path; false if there was none
   * or it was refused.
   */
  boolean replayWrite(String device, long block);

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

  /** Physical access (storage at rest, chosen power failures), present only for an attack that declares {@code PHYSICAL}. */
  java.util.Optional<PhysicalAccess> physical();

  /** Which boot this is: 0 until the first crash. */
  int boot();

  /** A note for the evidence. */
  void note(String text);
}
