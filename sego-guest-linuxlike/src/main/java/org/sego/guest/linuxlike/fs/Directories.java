package org.sego.guest.linuxlike.fs;

import java.nio.charset.StandardCharsets;
import org.sego.api.posix.Errno;

/**
 * The directories of lxfs: arrays of 64-byte entries (inode, name length, type, name) in the
 * directory's blocks, and absolute path lookup. Read and written in the page cache only.
 */
final class Directories {
  static final int DIRENT = Lxfs.DIRENT;
  static final int NAME_MAX = Lxfs.NAME_MAX;
  static final int BS = Lxfs.BS;
  static final int ROOT = Lxfs.ROOT;
  static final int MODE_DIR = Lxfs.MODE_DIR;

  private final Lxfs fs;

  Directories(Lxfs fs) {
    this.fs = fs;
  }

  static byte[] name(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The index of the entry named {@code name} in directory {@code dir}, or -1. */
  private long find(int dir, String name) {
    byte[] want = name(name);
    long entries = fs.size(dir) / DIRENT;
    byte[] buf = new byte[NAME_MAX];
    for (long e = 0; e < entries; e++) {
      long block = fs.bmap(dir, e * DIRENT / BS, false);
      int off = (int) (e * DIRENT % BS);
      int ino = fs.cache.get32(block, off);
      int len = fs.cache.get32(block, off + 4);
      if (ino != 0 && len == want.length) {
        fs.cache.read(block, off + 16, buf, 0, len);
        if (java.util.Arrays.equals(want, 0, len, buf, 0, len)) {
          return e;
        }
      }
    }
    return -1;
  }

  /** The inode of {@code name} in directory {@code dir}, or 0. */
  int lookup(int dir, String name) {
    long e = find(dir, name);
    return e < 0 ? 0 : fs.cache.get32(fs.bmap(dir, e * DIRENT / BS, false), (int) (e * DIRENT % BS));
  }

  /** Adds {@code name → ino} to {@code dir}, reusing a free entry; 0 or -errno. */
  int addEntry(int dir, String name, int ino, int type) {
    byte[] n = name(name);
    if (n.length > NAME_MAX || n.length == 0) {
      return -Errno.ENAMETOOLONG;
    }
    long entries = fs.size(dir) / DIRENT;
    long at = entries;
    for (long e = 0; e < entries; e++) {
      long block = fs.bmap(dir, e * DIRENT / BS, false);
      if (fs.cache.get32(block, (int) (e * DIRENT % BS)) == 0) {
        at = e;
        break;
      }
    }
    long block = fs.bmap(dir, at * DIRENT / BS, true);
    if (block < 0) {
      return (int) block;
    }
    int off = (int) (at * DIRENT % BS);
    byte[] rec = new byte[DIRENT];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(rec).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, ino).putInt(4, n.length).putInt(8, type);
    System.arraycopy(n, 0, rec, 16, n.length);
    fs.cache.write(block, off, rec, 0, DIRENT);
    if (at == entries) {
      fs.setSize(dir, (entries + 1) * DIRENT);
    }
    return 0;
  }

  /** Removes {@code name} from {@code dir}; its inode, or 0 if absent. */
  int removeEntry(int dir, String name) {
    long e = find(dir, name);
    if (e < 0) {
      return 0;
    }
    long block = fs.bmap(dir, e * DIRENT / BS, false);
    int off = (int) (e * DIRENT % BS);
    int ino = fs.cache.get32(block, off);
    fs.cache.put32(block, off, 0);
    return ino;
  }

  /** Entry {@code e} of {@code dir} as (inode, name), or null past the end; a free entry has inode 0. */
  Object[] entry(int dir, long e) {
    if (e >= fs.size(dir) / DIRENT) {
      return null;
    }
    long block = fs.bmap(dir, e * DIRENT / BS, false);
    int off = (int) (e * DIRENT % BS);
    int ino = fs.cache.get32(block, off);
    int len = Math.min(NAME_MAX, fs.cache.get32(block, off + 4));
    byte[] n = new byte[Math.max(0, len)];
    fs.cache.read(block, off + 16, n, 0, n.length);
    return new Object[] {ino, new String(n, StandardCharsets.UTF_8), fs.cache.get32(block, off + 8)};
  }

  boolean isEmptyDir(int dir) {
    long entries = fs.size(dir) / DIRENT;
    for (long e = 0; e < entries; e++) {
      Object[] en = entry(dir, e);
      if ((int) en[0] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Linux's {@code PATH_MAX}: a path, with its terminating NUL, fits in 4096 bytes. */
  static final int PATH_MAX = 4096;

  /** {@code path} as the walk resolves it: empty components and "." dropped, ".." going up (not above the root). */
  static String normalize(String path) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** Whether {@code name} is "." or "..", which name a directory itself or its parent, never an entry. */
  static boolean isDot(String name) {
    return name.equals(".") || name.equals("..");
  }

  /**
   * The inode of absolute {@code path}, or -ENOENT / -ENOTDIR / -EINVAL / -ENAMETOOLONG. "." stays in
   * the directory and ".." goes to its parent (the root's is the root): directories have exactly one
   * name each (no hard links to them), so the parent is the one the walk came from.
   */
  int resolve(String path) {
    if (path == null || !path.startsWith("/")) {
      return -Errno.EINVAL;
    }
    if (path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
      return -Errno.ENAMETOOLONG;
    }
    int[] walked = new int[16];
    int depth = 0;
    walked[0] = ROOT;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      int ino = walked[depth];
      if (fs.mode(ino) != MODE_DIR) {
        return -Errno.ENOTDIR;
      }
      if (part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        depth = Math.max(0, depth - 1);
        continue;
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
        return -Errno.ENAMETOOLONG;
      }
      int next = lookup(ino, part);
      if (next == 0) {
        return -Errno.ENOENT;
      }
      if (++depth == walked.length) {
        walked = java.util.Arrays.copyOf(walked, depth * 2);
      }
      walked[depth] = next;
    }
    return walked[depth];
  }

  /**
   * The parent directory's inode of {@code path} and its last component; the inode is -errno on
   * failure. The last component may be "." or ".." ({@link #isDot}): each call refuses it with the
   * error POSIX gives for that call.
   */
  Object[] parent(String path) {
    if (path == null || !path.startsWith("/")) {
      return new Object[] {-Errno.EINVAL, ""};
    }
    if (path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
      return new Object[] {-Errno.ENAMETOOLONG, ""};
    }
    String trimmed = path.replaceAll("/+$", "");
    int cut = trimmed.lastIndexOf('/');
    String name = trimmed.substring(cut + 1);
    if (name.isEmpty()) {
      return new Object[] {-Errno.EEXIST, ""};
    }
    int dir = resolve(cut <= 0 ? "/" : trimmed.substring(0, cut));
    if (dir > 0 && fs.mode(dir) != MODE_DIR) {
      dir = -Errno.ENOTDIR;
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
      dir = -Errno.ENAMETOOLONG;
    }
    return new Object[] {dir, name};
  }
}
