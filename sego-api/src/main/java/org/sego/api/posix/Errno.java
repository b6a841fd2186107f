package org.sego.api.posix;

import org.sego.api.Experimental;

/**
 * POSIX error numbers, Linux's values. A system call that fails returns {@code -errno}; a kernel
 * never throws an exception out of a system call.
 */
@Experimental("grows with the guest kernel")
public final class Errno {
  private Errno() {}

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int ENAMETOOLONG = 36;
  public static final int EFBIG = 27;
  public static final int ECHILD = 10;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int ESPIPE = 29;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;

  /** The symbolic name of {@code errno} (positive or negative), for messages. */
  public static String name(long errno) {
    int e = (int) Math.abs(errno);
    switch (e) {
      case EPERM: return "EPERM";
      case ENOENT: return "ENOENT";
      case ESRCH: return "ESRCH";
      case EINTR: return "EINTR";
      case EIO: return "EIO";
      case E2BIG: return "E2BIG";
      case EBADF: return "EBADF";
      case ENAMETOOLONG: return "ENAMETOOLONG";
      case EFBIG: return "EFBIG";
      case ECHILD: return "ECHILD";
      case EAGAIN: return "EAGAIN";
      case ENOMEM: return "ENOMEM";
      case EACCES: return "EACCES";
      case EFAULT: return "EFAULT";
      case EBUSY: return "EBUSY";
      case EEXIST: return "EEXIST";
      case ENODEV: return "ENODEV";
      case ENOTDIR: return "ENOTDIR";
      case EISDIR: return "EISDIR";
      case EINVAL: return "EINVAL";
      case ENOSPC: return "ENOSPC";
      case ESPIPE: return "ESPIPE";
      case ENOSYS: return "ENOSYS";
      case ENOTEMPTY: return "ENOTEMPTY";
      default: return "errno " + e;
    }
  }
}
