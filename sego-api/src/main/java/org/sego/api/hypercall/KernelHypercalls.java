package org.sego.api.hypercall;

import org.sego.api.Experimental;

/**
 * The hypercalls a protection-aware kernel uses for the memory services it cannot do by touching
 * pages: each is offered only when {@link Capabilities} lists its service, and a refused one is
 * skipped and counted by the kernel, never faked.
 */
@Experimental("the hypercall catalogue")
public final class KernelHypercalls {
  private KernelHypercalls() {}

  /** Page sharing ({@link Capabilities#SHARE}): compare two frames and, if equal, keep one copy-on-write. */
  public record SharePages(long keepGfn, long dropGfn) implements Hypercall {
    @Override
    public String name() {
      return "share-pages";
    }
  }

  /** Compaction ({@link Capabilities#COMPACT}): move a frame's contents, EPT entries and metadata. */
  public record MovePage(long srcGfn, long dstGfn) implements Hypercall {
    @Override
    public String name() {
      return "move-page";
    }
  }

  /** Swap ({@link Capabilities#SWAP}): the hypervisor writes the frame to the block with its tag, and scrubs it. */
  public record SwapOutPage(long gfn, String device, long block) implements Hypercall {
    @Override
    public String name() {
      return "swap-out";
    }
  }

  /** Swap ({@link Capabilities#SWAP}): the hypervisor reads the block into the frame and checks its tag. */
  public record SwapInPage(long gfn, String device, long block) implements Hypercall {
    @Override
    public String name() {
      return "swap-in";
    }
  }
}
