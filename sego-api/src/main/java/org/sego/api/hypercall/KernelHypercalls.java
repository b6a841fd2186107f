package org.sego.api.hypercall;

import org.sego.api.Experimental;

/**
 * The hypercalls a protection-aware kernel sends on its own port ({@link Caller.Mode#KERNEL}) for
 * the services it cannot do by touching a HAP's pages. Each is sent only when {@link Capabilities}
 * lists its service. {@code Refused} means nothing changed: the kernel skips the service and
 * counts it, never fakes it, and never leaves a page table pointing at a frame it gave away.
 * {@code Violation} means the request broke the strategy's rules (evidence says which); it is logged,
 * and the strategy halts the HAP concerned by naming it ({@code HypervisorServices.violation(pid, …)}):
 * the process the kernel happened to run for may be a bystander. The shell refuses every one of these
 * from a process's port.
 */
@Experimental("the hypercall catalogue")
public final class KernelHypercalls {
  private KernelHypercalls() {}

  /**
   * Whether process {@code pid} is a registered HAP: {@code Ok(1)} or {@code Ok(0)}. Answered by the
   * hypervisor shell under every strategy, so a protection-aware kernel can take the hypercall paths
   * for a HAP's pages (and only for them) without ever touching one to find out. A kernel asks once
   * per process, after it has run (the trusted library registers before its first memory access);
   * a forked child of a HAP is a HAP.
   */
  public record IsHap(int pid) implements KernelHypercall {
    @Override
    public String name() {
      return "is-hap";
    }
  }

  /**
   * Installs {@code pte} at {@code gva} in HAP {@code pid}'s page tables through the hypervisor
   * ({@link Capabilities#PAGE_TABLES}): a HAP's page-table frames are write-protected from the OS.
   * {@code Refused}: the mapping contradicts the HAP's intents.
   */
  public record InstallPte(int pid, long gva, long pte) implements KernelHypercall {
    @Override
    public String name() {
      return "install-pte";
    }
  }

  /**
   * Swap ({@link Capabilities#SWAP}), sent before the kernel submits the swap write: the hypervisor
   * binds {@code block} of {@code device} to page {@code vpn} of {@code pid} (a tag: owner, page,
   * version) and lets the kernel's {@code IoPurpose.Swap(pid, vpn)} write of exactly that block from
   * frame {@code gfn} through the virtual device, which reads the frame by DMA. When the write has
   * completed the kernel sends {@link ReleasePage}, and the hypervisor scrubs the frame before the
   * OS may use it; or, with {@code releaseAtWrite} (and {@link Capabilities#SWAP_FOLDED} offered),
   * the hypervisor scrubs and gives it back itself when the write completes, if the block then holds
   * the page's current copy. {@code Refused}: the frame stays resident, its mapping unchanged.
   */
  public record SwapOutPage(int pid, long vpn, long gfn, String device, long block, boolean releaseAtWrite)
      implements KernelHypercall {
    /** A swap-out whose frame the kernel releases itself after the write. */
    public SwapOutPage(int pid, long vpn, long gfn, String device, long block) {
      this(pid, vpn, gfn, device, block, false);
    }

    @Override
    public String name() {
      return "swap-out";
    }
  }

  /**
   * Swap ({@link Capabilities#SWAP}), sent before the kernel submits the swap read: the hypervisor
   * checks {@code block}'s tag against the version of page {@code vpn} of {@code pid} it expects (a
   * mismatch is a {@code Violation}), takes frame {@code gfn} from the OS for the HAP, and lets the
   * kernel's {@code IoPurpose.Swap(pid, vpn)} read of that block into {@code gfn} through.
   * {@code Refused}: the page cannot come back (the kernel fails the fault). {@code pte}: 0, or
   * (with {@link Capabilities#SWAP_FOLDED}) the leaf entry mapping the page from {@code gfn} that
   * the hypervisor installs, checked, once the bytes have arrived.
   */
  public record SwapInPage(int pid, long vpn, long gfn, String device, long block, long pte) implements KernelHypercall {
    /** A swap-in whose entry the kernel installs itself after the read. */
    public SwapInPage(int pid, long vpn, long gfn, String device, long block) {
      this(pid, vpn, gfn, device, block, 0);
    }

    @Override
    public String name() {
      return "swap-in";
    }
  }

  /**
   * A kernel write into user memory on {@code path} that the strategy's capabilities say goes by
   * hypercall ({@link Capabilities#userWrite} answers {@code HYPERCALL}): the hypervisor writes
   * {@code data} at {@code gva} of {@code pid} through its page tables. {@code Refused}: nothing was
   * written (the kernel fails the call with {@code EFAULT}).
   */
  public record WriteUser(int pid, org.sego.api.guest.KernelUserWrite path, long gva, byte[] data)
      implements KernelHypercall {
    @Override
    public String name() {
      return "user-write";
    }
  }

  /** Copy-on-write ({@link Capabilities#COPY}): copy {@code srcGfn} to {@code dstGfn} for page {@code vpn} of {@code pid}. */
  public record CopyPage(int pid, long vpn, long srcGfn, long dstGfn) implements KernelHypercall {
    @Override
    public String name() {
      return "copy-page";
    }
  }

  /**
   * {@link Capabilities#RELEASE}: {@code pid} no longer maps {@code gfn} (after a swap-out's write, a
   * move, a merge); the hypervisor scrubs it and gives it back to the OS before the OS reuses it.
   */
  public record ReleasePage(int pid, long gfn) implements KernelHypercall {
    @Override
    public String name() {
      return "release-page";
    }
  }

  /** {@link Capabilities#ZERO}: zero {@code gfn} for {@code pid}'s page {@code vpn} (the kernel cannot write it). */
  public record ZeroPage(int pid, long vpn, long gfn) implements KernelHypercall {
    @Override
    public String name() {
      return "zero-page";
    }
  }

  /**
   * Page sharing ({@link Capabilities#SHARE}), for frames the kernel cannot read: the hypervisor
   * compares {@code keepGfn} and {@code dropGfn} and, if equal, lets the kernel point {@code
   * dropGfn}'s mapping at {@code keepGfn} read-only (copy-on-write); the kernel then frees {@code
   * dropGfn}, released. {@code Refused}: different contents (or not allowed): nothing changed.
   */
  public record SharePages(long keepGfn, long dropGfn) implements KernelHypercall {
    @Override
    public String name() {
      return "share-pages";
    }
  }

  /**
   * Compaction ({@link Capabilities#COMPACT}): move {@code srcGfn}'s contents, EPT entries and
   * metadata to free frame {@code dstGfn}; the kernel then remaps the page and frees {@code srcGfn}
   * (scrubbed by the hypervisor).
   */
  public record MovePage(long srcGfn, long dstGfn) implements KernelHypercall {
    @Override
    public String name() {
      return "move-page";
    }
  }

  /**
   * Secure files ({@link Capabilities#SECURE_FILES}): write page-cache frame {@code gfn}, holding
   * {@code offset} of file {@code inode}, to {@code block} of {@code device} with an {@code (OID,
   * offset, version)} tag. {@code Refused}: the page stays dirty.
   */
  public record WriteBackFilePage(long inode, long offset, long gfn, String device, long block)
      implements KernelHypercall {
    @Override
    public String name() {
      return "file-write-back";
    }
  }

  /** Secure files: read {@code block} into {@code gfn} for {@code offset} of {@code inode}, checking its tag. */
  public record ReadInFilePage(long inode, long offset, long gfn, String device, long block) implements KernelHypercall {
    @Override
    public String name() {
      return "file-read-in";
    }
  }

  /**
   * Several kernel hypercalls in one exit ({@link Capabilities#BATCH}), done in order until the first
   * that is not {@code Ok}; the calls after it are not attempted. {@code Ok(n)}: the first {@code n}
   * were done (all of them when {@code n == calls.size()}); a {@code Violation} of call {@code n} is
   * logged as it would be alone. The exit is charged once; each call's work as it would be alone. A
   * batch inside a batch, or an {@code is-hap}, is refused.
   */
  public record Batch(java.util.List<KernelHypercall> calls) implements KernelHypercall {
    public Batch {
      calls = java.util.List.copyOf(calls);
    }

    @Override
    public String name() {
      return "batch";
    }
  }

  /**
   * data=journal ({@link Capabilities#BLOCK_COPY}): copy {@code count} blocks from {@code srcBlock}
   * to {@code dstBlock} of {@code device}, moving their tags with them. The strategy answers for the
   * tags; on {@code Ok} the virtual device copies the bytes (the device's time is reserved, so the
   * kernel's next flush waits for it). A strategy that offers secure files must answer it: refusing
   * would leave the journal unable to checkpoint a secure file's journaled page.
   */
  public record BlockCopy(String device, long srcBlock, long dstBlock, int count) implements KernelHypercall {
    @Override
    public String name() {
      return "block-copy";
    }
  }
}
