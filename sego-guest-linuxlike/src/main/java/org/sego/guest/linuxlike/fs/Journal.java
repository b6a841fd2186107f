package org.sego.guest.linuxlike.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.StatsSink;

/**
 * The lxfs journal, jbd-style: a commit freezes the dirty metadata (shadow copies), writes file
 * data home first (ordered mode) or journals it too (data=journal), writes a descriptor and the
 * copies into the journal, flushes, writes a checksummed commit record with FUA, then checkpoints
 * the copies home, flushes, and advances the journal superblock. Mount replays a committed,
 * unfinished transaction. A commit waits for every file-system operation in progress to finish.
 */
final class Journal {
  static final int JSB_MAGIC = 0x4A53_4221;
  static final int DESC_MAGIC = 0x4A44_5343;
  static final int COMMIT_MAGIC = 0x4A43_4D54;
  private static final int MAX_PER_DESCRIPTOR = (Lxfs.BS - 16) / 8;

  private final Lxfs fs;
  private final BufferCache cache;
  private final boolean dataJournal;
  private int active;
  /** A commit is running: operations and other commits wait for it (one transaction at a time, as jbd2's). */
  private boolean committing;
  private final List<Integer> waiters = new ArrayList<>();
  private final StatsSink.Counter commits;
  private final StatsSink.Counter journaled;
  private final StatsSink.Counter replays;

  Journal(Lxfs fs, boolean dataJournal) {
    this.fs = fs;
    this.cache = fs.cache;
    this.dataJournal = dataJournal;
    StatsSink s = cache.ports().stats();
    commits = s.counter("system.guest.fs.journal-commits", "transactions", "journal transactions committed");
    journaled = s.counter("system.guest.fs.journal-blocks", "blocks", "blocks written into the journal");
    replays = s.counter("system.guest.fs.journal-replays", "transactions", "committed transactions replayed at mount");
  }

  static void formatSuperblock(BufferCache cache, long start) {
    cache.fresh(start);
    cache.put32(start, 0, JSB_MAGIC);
    cache.put64(start, 8, 1);
  }

  /**
   * A file-system operation starts: no commit until it ends. It waits for a running commit (whose
   * transaction must not take half of it).
   */
  void begin() {
    while (committing && cache.ports().cpu().currentPid() >= 0) {
      waiters.add(cache.ports().cpu().currentPid());
      cache.ports().cpu().block(CostCategory.IDLE);
    }
    active++;
  }

  void end() {
    if (--active == 0) {
      wakeWaiters();
    }
  }

  private void wakeWaiters() {
    List<Integer> wake = new ArrayList<>(waiters);
    waiters.clear();
    for (int pid : wake) {
      cache.ports().cpu().wake(pid);
    }
  }

  private long capacity() {
    return Math.min(fs.journalBlocks - 3, MAX_PER_DESCRIPTOR);
  }

  /** Makes everything written so far durable: the fsync of every file at once. */
  void commit() {
    while (active > 0 || committing) {
      waiters.add(cache.ports().cpu().currentPid());
      cache.ports().cpu().block(CostCategory.IDLE);
    }
    committing = true;
    try {
      commitAlone();
    } finally {
      committing = false;
      wakeWaiters();
    }
  }

  private void commitAlone() {
    java.util.Set<Long> freedBefore = new java.util.HashSet<>(fs.recentlyFreed);
    TreeSet<Long>[] dirty = cache.takeDirty();
    TreeSet<Long> data = new TreeSet<>(dirty[0]);
    TreeSet<Long> meta = dirty[1];
    boolean done = false;
    try {
      if (dataJournal) {
        meta.addAll(data);
      } else if (!data.isEmpty()) {
        cache.writeHome(data);
      }
      List<Long> blocks = new ArrayList<>(meta);
      if (blocks.isEmpty()) {
        cache.flush();
      }
      for (int from = 0; from < blocks.size(); from += (int) capacity()) {
        transaction(blocks.subList(from, (int) Math.min(blocks.size(), from + capacity())));
      }
      done = true;
    } finally {
      if (!done) {
        cache.untake(dirty[0], dirty[1]);
      }
      TreeSet<Long> taken = new TreeSet<>(data);
      taken.addAll(meta); // (meta holds the data too under data=journal)
      cache.committed(taken);
    }
    fs.recentlyFreed.removeAll(freedBefore);
  }

  /**
   * A descriptor entry's flag: the block is a secure file's page the kernel cannot read. It goes to
   * the journal from its cache frame by file-page write-back, is left out of the commit's checksum
   * (its tag is the hypervisor's to check), and reaches home by the hypervisor's block copy, at
   * checkpoint and at replay.
   */
  static final long SEALED = 1L << 63;

  private void transaction(List<Long> homes) {
    long seq = cache.get64(fs.journalStart, 8);
    int n = homes.size();
    long[] shadows = new long[n];
    org.sego.api.guest.IoPurpose.FilePage[] sealed = new org.sego.api.guest.IoPurpose.FilePage[n];
    for (int i = 0; i < n; i++) {
      sealed[i] = cache.sealedPage(homes.get(i));
      shadows[i] = sealed[i] != null ? cache.frame(homes.get(i)) : cache.shadow(homes.get(i));
    }
    ByteBuffer desc = ByteBuffer.allocate(Lxfs.BS).order(ByteOrder.LITTLE_ENDIAN);
    desc.putInt(0, DESC_MAGIC).putInt(4, n).putLong(8, seq);
    for (int i = 0; i < n; i++) {
      desc.putLong(16 + 8 * i, homes.get(i) | (sealed[i] != null ? SEALED : 0));
    }
    long descFrame = cache.scratch(desc.array());
    long[] jblocks = new long[n + 1];
    long[] jframes = new long[n + 1];
    jblocks[0] = fs.journalStart + 1;
    jframes[0] = descFrame;
    CRC32C crc = new CRC32C();
    byte[] page = new byte[Lxfs.BS];
    crc.update(desc.array());
    org.sego.api.guest.IoPurpose.FilePage[] as = new org.sego.api.guest.IoPurpose.FilePage[n + 1];
    for (int i = 0; i < n; i++) {
      jblocks[i + 1] = fs.journalStart + 2 + i;
      jframes[i + 1] = shadows[i];
      as[i + 1] = sealed[i];
      if (sealed[i] == null) {
        cache.readFrame(shadows[i], page);
        crc.update(page);
      }
    }
    cache.writeFrames(jblocks, jframes, as, false);
    cache.flush();
    ByteBuffer commit = ByteBuffer.allocate(Lxfs.BS).order(ByteOrder.LITTLE_ENDIAN);
    commit.putInt(0, COMMIT_MAGIC).putInt(4, n).putLong(8, seq).putLong(16, crc.getValue());
    long commitFrame = cache.scratch(commit.array());
    cache.writeFrames(new long[] {fs.journalStart + 2 + n}, new long[] {commitFrame}, true);
    commits.add(1);
    cache.ports().hooks().journalCommit(cache.device(), seq);
    journaled.add(n);
    // Checkpoint: the frozen copies go home (a sealed block by the hypervisor's copy); then the journal is empty again.
    List<Long> plainHomes = new ArrayList<>();
    List<Long> plainShadows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (sealed[i] != null) {
        cache.blockCopy(fs.journalStart + 2 + i, homes.get(i));
      } else {
        plainHomes.add(homes.get(i));
        plainShadows.add(shadows[i]);
      }
    }
    cache.writeFrames(plainHomes.stream().mapToLong(Long::longValue).toArray(),
        plainShadows.stream().mapToLong(Long::longValue).toArray(), false);
    cache.flush();
    advance(seq + 1);
    cache.freeShadow(descFrame);
    cache.freeShadow(commitFrame);
    for (long s : plainShadows) {
      cache.freeShadow(s);
    }
  }

  /** Writes the journal superblock with the next expected sequence number (FUA). */
  private void advance(long nextSeq) {
    ByteBuffer jsb = ByteBuffer.allocate(Lxfs.BS).order(ByteOrder.LITTLE_ENDIAN);
    jsb.putInt(0, JSB_MAGIC).putLong(8, nextSeq);
    long frame = cache.scratch(jsb.array());
    cache.writeFrames(new long[] {fs.journalStart}, new long[] {frame}, true);
    cache.putClean(fs.journalStart, 8, nextSeq);
    cache.freeShadow(frame);
  }

  /** At mount: applies the transaction in the journal if its commit record is complete and matches. */
  void replay() {
    if (cache.get32(fs.journalStart, 0) != JSB_MAGIC) {
      return;
    }
    long seq = cache.get64(fs.journalStart, 8);
    long descBlock = fs.journalStart + 1;
    if (cache.get32(descBlock, 0) != DESC_MAGIC || cache.get64(descBlock, 8) != seq) {
      return;
    }
    int n = cache.get32(descBlock, 4);
    if (n <= 0 || n > capacity()) {
      return;
    }
    long commitBlock = fs.journalStart + 2 + n;
    if (cache.get32(commitBlock, 0) != COMMIT_MAGIC || cache.get64(commitBlock, 8) != seq
        || cache.get32(commitBlock, 4) != n) {
      return;
    }
    CRC32C crc = new CRC32C();
    byte[] page = new byte[Lxfs.BS];
    cache.read(descBlock, 0, page, 0, Lxfs.BS);
    crc.update(page);
    for (int i = 0; i < n; i++) {
      if ((cache.get64(descBlock, 16 + 8 * i) & SEALED) == 0) {
        cache.read(fs.journalStart + 2 + i, 0, page, 0, Lxfs.BS);
        crc.update(page);
      }
    }
    if (crc.getValue() != cache.get64(commitBlock, 16)) {
      return;
    }
    List<Long> homes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long entry = cache.get64(descBlock, 16 + 8 * i);
      long home = entry & ~SEALED;
      if ((entry & SEALED) != 0 && cache.offersBlockCopy()) {
        cache.blockCopy(fs.journalStart + 2 + i, home);
        continue;
      }
      // (A sealed entry mounted where no strategy offers the block copy is copied by the kernel.)
      cache.copyClean(fs.journalStart + 2 + i, home);
      homes.add(home);
    }
    cache.writeHome(homes);
    cache.flush();
    advance(seq + 1);
    replays.add(1);
  }
}
