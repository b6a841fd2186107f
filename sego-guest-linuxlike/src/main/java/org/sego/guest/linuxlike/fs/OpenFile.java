package org.sego.guest.linuxlike.fs;

/** An open file description: inode, access mode and offset (shared by descriptors after fork). */
public final class OpenFile {
  final int ino;
  final int flags;
  long offset;
  /** Descriptors (in any process) that refer to this description. */
  int refs = 1;

  /** One more descriptor refers to it (fork). */
  public OpenFile share() {
    refs++;
    return this;
  }

  OpenFile(int ino, int flags) {
    this.ino = ino;
    this.flags = flags;
  }
}
