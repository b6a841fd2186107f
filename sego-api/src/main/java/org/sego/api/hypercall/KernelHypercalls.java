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
   * Swap ({@link Capabilities#SWAP}): the hypervisor writes frame {@code gfn}, holding page {@code
   * vpn} of {@code pid}, to {@code block} of {@code device} with a tag binding the block to owner,
   * page and version, and scrubs the frame. {@code Refused}: the frame stays resident.
   */
  public record SwapOutPage(int pid, long vpn, long gfn, String device, long block) implements KernelHypercall {
    @Override
    public String name() {
      return "swap-out";
    }
  }

  /**
   * Swap ({@link Capabilities#SWAP}): the hypervisor reads {@code block} into {@code gfn} for page
   * {@code vpn} of {@code pid} and checks its tag against the version it expects; a mismatch is a
   * {@code Violation}.
   */
  public record SwapInPage(int pid, long vpn, long gfn, String device, long block) implements KernelHypercall {
    @Override
    public String name() {
      return "swap-in";
    }
  }

  /** Copy-on-write ({@link Capabilities#COPY}): copy {@code srcGfn} to {@code dstGfn} for page {@code vpn} of {@code pid}. */
  public record CopyPage(int pid, long vpn, long srcGfn, long dstGfn) implements KernelHypercall {
    @Override
    public String name() {
      return "copy-page";
    }
  }

  /** {@link Capabilities#RELEASE}: {@code pid} no longer maps {@code gfn}; the hypervisor scrubs it before the OS reuses it. */
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

  /** Page sharing ({@link Capabilities#SHARE}): compare two frames and, if equal, keep one copy-on-write. */
  public record SharePages(long keepGfn, long dropGfn) implements KernelHypercall {
    @Override
    public String name() {
      return "share-pages";
    }
  }

  /** Compaction ({@link Capabilities#COMPACT}): move a frame's contents, EPT entries and metadata. */
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
   * data=journal ({@link Capabilities#BLOCK_COPY}): copy {@code count} blocks from {@code srcBlock}
   * to {@code dstBlock} of {@code device}, moving their tags with them. A strategy that offers secure
   * files must answer it: refusing would leave the journal unable to commit.
   */
  public record BlockCopy(String device, long srcBlock, long dstBlock, int count) implements KernelHypercall {
    @Override
    public String name() {
      return "block-copy";
    }
  }
}
