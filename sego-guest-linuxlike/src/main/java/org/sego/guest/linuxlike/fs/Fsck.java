package org.sego.guest.linuxlike.fs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An fsck-style checker of lxfs: every allocated inode has a valid mode; every block it maps is
 * inside the data area, marked in the bitmap, and mapped once; no marked block is unreferenced;
 * every directory entry names an allocated inode; link counts match the directory tree; no file maps
 * a block beyond its size. Returns the problems found (empty when clean).
 */
public final class Fsck {
  private Fsck() {}

  public static List<String> check(Lxfs fs) {
    List<String> problems = new ArrayList<>();
    if (fs.cache.get32(0, Lxfs.SB_MAGIC) != Lxfs.MAGIC) {
      problems.add("superblock: bad magic");
      return problems;
    }
    Map<Long, Integer> owner = new HashMap<>();
    Map<Integer, Integer> entriesTo = new HashMap<>();
    Map<Integer, Integer> subdirs = new HashMap<>();
    for (int ino = 1; ino < fs.inodes; ino++) {
      if (!fs.inodeAllocated(ino)) {
        continue;
      }
      int mode = fs.mode(ino);
      if (mode != Lxfs.MODE_FILE && mode != Lxfs.MODE_DIR) {
        problems.add("inode " + ino + ": allocated with mode " + mode);
        continue;
      }
      long size = fs.size(ino);
      long lastBlock = (size + Lxfs.BS - 1) / Lxfs.BS;
      long maxIndex = Lxfs.DIRECT + Lxfs.PTRS + (long) Lxfs.PTRS * Lxfs.PTRS;
      for (long i = 0; i < Math.min(maxIndex, Math.max(lastBlock, Lxfs.DIRECT + 1)); i++) {
        long b = fs.bmap(ino, i, false);
        if (b <= 0) {
          continue;
        }
        if (i >= lastBlock) {
          problems.add("inode " + ino + ": maps block " + b + " at index " + i + " beyond its size " + size);
        }
        claim(fs, owner, b, ino, problems);
      }
      claimMapBlocks(fs, ino, owner, problems);
      if (mode == Lxfs.MODE_DIR) {
        for (long e = 0; ; e++) {
          Object[] en = fs.dirs.entry(ino, e);
          if (en == null) {
            break;
          }
          int target = (int) en[0];
          if (target == 0) {
            continue;
          }
          if (!fs.inodeAllocated(target)) {
            problems.add("directory " + ino + ": entry '" + en[1] + "' names free inode " + target);
            continue;
          }
          entriesTo.merge(target, 1, Integer::sum);
          if (fs.mode(target) == Lxfs.MODE_DIR) {
            subdirs.merge(ino, 1, Integer::sum);
          }
        }
      }
    }
    for (int ino = 1; ino < fs.inodes; ino++) {
      if (!fs.inodeAllocated(ino) || (fs.mode(ino) != Lxfs.MODE_FILE && fs.mode(ino) != Lxfs.MODE_DIR)) {
        continue;
      }
      int expected = fs.mode(ino) == Lxfs.MODE_DIR ? 2 + subdirs.getOrDefault(ino, 0) : entriesTo.getOrDefault(ino, 0);
      if (ino != Lxfs.ROOT && entriesTo.getOrDefault(ino, 0) == 0) {
        problems.add("inode " + ino + ": allocated but in no directory (orphan)");
      } else if (fs.links(ino) != expected) {
        problems.add("inode " + ino + ": link count " + fs.links(ino) + ", expected " + expected);
      }
    }
    for (long b = fs.dataStart; b < fs.blocks; b++) {
      if (Lxfs.bit(fs.cache, fs.bitmap, b) && !owner.containsKey(b)) {
        problems.add("block " + b + ": marked in use but referenced by no inode (leaked)");
      }
    }
    return problems;
  }

  private static void claim(Lxfs fs, Map<Long, Integer> owner, long b, int ino, List<String> problems) {
    if (b < fs.dataStart || b >= fs.blocks) {
      problems.add("inode " + ino + ": block " + b + " outside the data area");
      return;
    }
    if (!Lxfs.bit(fs.cache, fs.bitmap, b)) {
      problems.add("inode " + ino + ": block " + b + " is free in the bitmap");
    }
    Integer prev = owner.put(b, ino);
    if (prev != null) {
      problems.add("block " + b + ": mapped by inodes " + prev + " and " + ino);
    }
  }

  private static void claimMapBlocks(Lxfs fs, int ino, Map<Long, Integer> owner, List<String> problems) {
    long ib = fs.inodeBlock(ino);
    int io = fs.inodeOffset(ino);
    long ind = fs.cache.get32(ib, io + Lxfs.I_INDIRECT) & 0xFFFF_FFFFL;
    if (ind != 0) {
      claim(fs, owner, ind, ino, problems);
    }
    long d = fs.cache.get32(ib, io + Lxfs.I_DINDIRECT) & 0xFFFF_FFFFL;
    if (d != 0) {
      claim(fs, owner, d, ino, problems);
      for (int i = 0; i < Lxfs.PTRS; i++) {
        long x = fs.cache.get32(d, 4 * i) & 0xFFFF_FFFFL;
        if (x != 0) {
          claim(fs, owner, x, ino, problems);
        }
      }
    }
  }
}
