package org.sego.api.guest;

import org.sego.api.Experimental;

/**
 * What a block request is for, as the kernel says when it submits it, so a strategy can tag and
 * check it (DESIGN §5a, "one mediated I/O path"): swap of {@code (pid, vpn)}, a file page at {@code
 * (inode, offset)}, the file system's journal or its other metadata, or raw I/O that says nothing.
 * It is the kernel's claim, and a malicious kernel may lie: a strategy checks it against what it
 * knows (the frame's owner, the block's tag).
 */
@Experimental("the mediated I/O path")
public sealed interface IoPurpose {
  /** Raw I/O: no identity (a driver's own request, or the adversary's). */
  IoPurpose RAW = new Raw();
  IoPurpose JOURNAL = new Journal();
  IoPurpose FS_METADATA = new FsMetadata();

  /** Swap-out (a write) or swap-in (a read) of page {@code vpn} of process {@code pid}. */
  record Swap(int pid, long vpn) implements IoPurpose {}

  /** Write-back (a write) or read-in (a read) of the page at byte {@code offset} of file {@code inode}. */
  record FilePage(long inode, long offset) implements IoPurpose {}

  /** The file system's journal area. */
  record Journal() implements IoPurpose {}

  /** The file system's own metadata at home: superblock, bitmaps, inodes, directories, block maps. */
  record FsMetadata() implements IoPurpose {}

  record Raw() implements IoPurpose {}
}
