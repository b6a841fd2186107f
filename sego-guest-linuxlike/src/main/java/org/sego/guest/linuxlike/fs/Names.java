package org.sego.guest.linuxlike.fs;

import org.sego.api.posix.Errno;

/** The calls that change names: unlink, mkdir, rmdir, rename (each run as one file-system operation by {@link Files}). */
final class Names {
  private final Files files;

  Names(Files files) {
    this.files = files;
  }

  int unlink(String path) {
    Lxfs f = files.fs();
    if (f == null) {
      return -Errno.ENODEV;
    }
    int ino = f.dirs.resolve(path);
    if (ino < 0) {
      return ino;
    }
    if (f.mode(ino) == Lxfs.MODE_DIR) {
      return -Errno.EISDIR;
    }
    Object[] p = f.dirs.parent(path);
    f.dirs.removeEntry((int) p[0], (String) p[1]);
    f.setMtime((int) p[0], files.now());
    files.unlinkOne(ino);
    return 0;
  }

  int mkdir(String path) {
    Lxfs f = files.fs();
    if (f == null) {
      return -Errno.ENODEV;
    }
    Object[] p = f.dirs.parent(path);
    int dir = (int) p[0];
    if (dir < 0) {
      return dir;
    }
    if (Directories.isDot((String) p[1]) || f.dirs.lookup(dir, (String) p[1]) != 0) {
      return -Errno.EEXIST; // "d/." and "d/.." name directories that exist
    }
    int ino = f.allocInode(Lxfs.MODE_DIR);
    if (ino < 0) {
      return ino;
    }
    int r = f.dirs.addEntry(dir, (String) p[1], ino, Lxfs.MODE_DIR);
    if (r < 0) {
      f.freeInode(ino);
      return r;
    }
    f.setLinks(ino, 2);
    f.setLinks(dir, f.links(dir) + 1);
    long now = files.now();
    f.setMtime(ino, now);
    f.setMtime(dir, now);
    return 0;
  }

  int rmdir(String path) {
    Lxfs f = files.fs();
    if (f == null) {
      return -Errno.ENODEV;
    }
    Object[] last = f.dirs.parent(path);
    if ((int) last[0] < 0 && !"".equals(last[1])) {
      return (int) last[0];
    }
    if (".".equals(last[1])) {
      return -Errno.EINVAL; // POSIX: rmdir of "." is invalid
    }
    if ("..".equals(last[1])) {
      return -Errno.ENOTEMPTY; // Linux: ".." names a directory that holds this one
    }
    int ino = f.dirs.resolve(path);
    if (ino < 0) {
      return ino;
    }
    if (ino == Lxfs.ROOT) {
      return -Errno.EBUSY;
    }
    if (f.mode(ino) != Lxfs.MODE_DIR) {
      return -Errno.ENOTDIR;
    }
    if (!f.dirs.isEmptyDir(ino)) {
      return -Errno.ENOTEMPTY;
    }
    Object[] p = f.dirs.parent(path);
    int dir = (int) p[0];
    f.dirs.removeEntry(dir, (String) p[1]);
    f.setLinks(dir, f.links(dir) - 1);
    f.setMtime(dir, files.now());
    f.truncate(ino, 0);
    f.freeInode(ino);
    return 0;
  }

  int rename(String from, String to) {
    Lxfs f = files.fs();
    if (f == null) {
      return -Errno.ENODEV;
    }
    Object[] fromLast = f.dirs.parent(from);
    Object[] toLast = f.dirs.parent(to);
    if ((int) fromLast[0] >= 0 && (int) toLast[0] >= 0
        && (Directories.isDot((String) fromLast[1]) || Directories.isDot((String) toLast[1]))) {
      return -Errno.EBUSY; // Linux: "." or ".." as the last component of either name
    }
    int ino = f.dirs.resolve(from);
    if (ino < 0) {
      return ino;
    }
    if (ino == Lxfs.ROOT) {
      return -Errno.EBUSY;
    }
    Object[] src = f.dirs.parent(from);
    Object[] dst = f.dirs.parent(to);
    int toDir = (int) dst[0];
    if (toDir < 0) {
      return toDir;
    }
    boolean isDir = f.mode(ino) == Lxfs.MODE_DIR;
    // Compared as the walk resolves them ("//", "." and ".." collapsed): "/a" into "/b/../a/x" is
    // into itself too, and would cut the directory off from the tree.
    if (isDir && (Directories.normalize(to) + "/").startsWith(Directories.normalize(from) + "/")) {
      return -Errno.EINVAL;
    }
    int existing = f.dirs.lookup(toDir, (String) dst[1]);
    if (existing == ino) {
      return 0;
    }
    if (existing != 0) {
      boolean targetDir = f.mode(existing) == Lxfs.MODE_DIR;
      if (isDir && !targetDir) {
        return -Errno.ENOTDIR;
      }
      if (!isDir && targetDir) {
        return -Errno.EISDIR;
      }
      if (targetDir && !f.dirs.isEmptyDir(existing)) {
        return -Errno.ENOTEMPTY;
      }
      f.dirs.removeEntry(toDir, (String) dst[1]);
      if (targetDir) {
        f.setLinks(toDir, f.links(toDir) - 1);
        f.truncate(existing, 0);
        f.freeInode(existing);
      } else {
        files.unlinkOne(existing);
      }
    }
    int r = f.dirs.addEntry(toDir, (String) dst[1], ino, f.mode(ino));
    if (r < 0) {
      return r;
    }
    int fromDir = (int) src[0];
    f.dirs.removeEntry(fromDir, (String) src[1]);
    if (isDir && fromDir != toDir) {
      f.setLinks(fromDir, f.links(fromDir) - 1);
      f.setLinks(toDir, f.links(toDir) + 1);
    }
    long now = files.now();
    f.setMtime(fromDir, now);
    f.setMtime(toDir, now);
    return 0;
  }
}
