package org.sego.api.posix;

import org.sego.api.Experimental;

/**
 * File flags, whence values and the layouts the kernel writes into user memory for {@code stat}
 * and {@code readdir}.
 */
@Experimental("grows with the guest kernel")
public final class Fcntl {
  private Fcntl() {}

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_ACCMODE = 3;
  public static final int O_CREAT = 0x40;
  public static final int O_EXCL = 0x80;
  public static final int O_TRUNC = 0x200;
  public static final int O_APPEND = 0x400;
  public static final int O_DIRECTORY = 0x10000;

  public static final int SEEK_SET = 0;
  public static final int SEEK_CUR = 1;
  public static final int SEEK_END = 2;

  public static final int S_IFREG = 0x8000;
  public static final int S_IFDIR = 0x4000;

  /** {@code stat} fills 32 bytes: inode u64, size u64, mode u32, links u32, mtime u64 (ns), little-endian. */
  public static final int STAT_BYTES = 32;

  /** {@code readdir} fills 64-byte records: inode u64, name length u32, type u32, name (48 bytes, UTF-8). */
  public static final int DIRENT_BYTES = 64;
}
