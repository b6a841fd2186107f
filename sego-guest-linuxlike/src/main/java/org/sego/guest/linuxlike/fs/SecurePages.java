package org.sego.guest.linuxlike.fs;

import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import org.sego.api.guest.IoPurpose;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.StatsSink;
import org.sego.guest.linuxlike.mm.HapServices;

/**
 * The page cache's secure-file pages (the files a HAP maps, when the strategy offers secure files):
 * their write-back and read-in are asked of the hypervisor before each request, their frames are
 * marked to be released before reuse, and in data=journal they are journaled sealed and copied
 * home by the hypervisor's block copy.
 */
final class SecurePages {
  private final HapServices hap;
  private final String device;
  private final StatsSink.Counter refused;
  private LongFunction<IoPurpose> purposes = b -> IoPurpose.FS_METADATA;
  private LongPredicate secureInode = ino -> false;
  private LongConsumer markHap = f -> {};

  SecurePages(HapServices hap, String device, StatsSink stats) {
    this.hap = hap;
    this.device = device;
    this.refused = stats.counter("system.guest.fs.secure-refused", "requests",
        "secure-file page write-backs or read-ins the hypervisor refused (skipped)");
  }

  void setPurposes(LongFunction<IoPurpose> purposes) {
    this.purposes = purposes;
  }

  void setSecure(LongPredicate secureInode) {
    this.secureInode = secureInode;
  }

  void setHapMarker(LongConsumer markHap) {
    this.markHap = markHap;
  }

  /** The secure-file page {@code block} holds, when the strategy offers secure files; else null. */
  private IoPurpose.FilePage page(long block) {
    if (!hap.offers(Capabilities.SECURE_FILES)) {
      return null; // checked first: nothing is looked up under a strategy that offers nothing
    }
    IoPurpose p = purposes.apply(block);
    return p instanceof IoPurpose.FilePage && secureInode.test(((IoPurpose.FilePage) p).inode())
        ? (IoPurpose.FilePage) p : null;
  }

  /**
   * Before a request for {@code block} through {@code frame}: a secure file's page asks the
   * hypervisor (write-back or read-in). False when it refused.
   */
  boolean ask(long block, long frame, boolean write) {
    IoPurpose.FilePage p = page(block);
    if (p == null) {
      return true;
    }
    return writeBack(p, frame, block, write);
  }

  /**
   * Before writes of {@code blocks[i]} from {@code frames[i]}: as {@link #ask} for each (a page set
   * in {@code as[i]}, when {@code as} is given, is written as that secure-file page), the hypercalls
   * batched when the hypervisor offers it. {@code ok[i]}: the write may go.
   */
  boolean[] askWrites(long[] blocks, long[] frames, IoPurpose.FilePage[] as) {
    boolean[] ok = new boolean[blocks.length];
    java.util.List<org.sego.api.hypercall.KernelHypercall> calls = new java.util.ArrayList<>();
    int[] index = new int[blocks.length];
    for (int i = 0; i < blocks.length; i++) {
      IoPurpose.FilePage p = as != null && as[i] != null ? as[i] : page(blocks[i]);
      if (p == null) {
        ok[i] = true;
      } else {
        index[calls.size()] = i;
        calls.add(new KernelHypercalls.WriteBackFilePage(p.inode(), p.offset(), frames[i], device, blocks[i]));
      }
    }
    boolean[] done = hap.doneEach(calls);
    for (int k = 0; k < done.length; k++) {
      ok[index[k]] = done[k];
      if (done[k]) {
        markHap.accept(frames[index[k]]);
      } else {
        refused.add(1);
      }
    }
    return ok;
  }

  /** Asks for {@code page} to go from {@code frame} to {@code block} (or come back from it). */
  boolean writeBack(IoPurpose.FilePage page, long frame, long block, boolean write) {
    boolean ok = hap.done(write ? new KernelHypercalls.WriteBackFilePage(page.inode(), page.offset(), frame, device, block)
        : new KernelHypercalls.ReadInFilePage(page.inode(), page.offset(), frame, device, block));
    if (ok) {
      markHap.accept(frame); // released before the kernel reuses the frame
    } else {
      refused.add(1);
    }
    return ok;
  }

  /**
   * The page {@code block} holds when it is a secure file's and the hypervisor offers the block copy
   * that journaling it needs (data=journal): the kernel neither copies nor checksums it. Else null.
   */
  IoPurpose.FilePage sealed(long block) {
    return offersBlockCopy() ? page(block) : null;
  }

  boolean offersBlockCopy() {
    return hap.offers(Capabilities.BLOCK_COPY);
  }

  /**
   * The hypervisor copies block {@code from} to block {@code to}, tags and all. Required: a refusal
   * leaves the journal unable to checkpoint, which is an I/O failure.
   */
  void blockCopy(long from, long to) {
    if (!hap.done(new KernelHypercalls.BlockCopy(device, from, to, 1))) {
      throw new IllegalStateException("linuxlike: the hypervisor refused the block copy " + from + " -> " + to + " on " + device);
    }
  }
}
