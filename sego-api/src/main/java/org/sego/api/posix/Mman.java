package org.sego.api.posix;

import org.sego.api.Experimental;

/** {@code mmap}/{@code mprotect} protection and flag bits, Linux's values. */
@Experimental("grows with the guest kernel")
public final class Mman {
  private Mman() {}

  public static final int PROT_NONE = 0;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int PROT_EXEC = 4;

  public static final int MAP_SHARED = 0x01;
  public static final int MAP_PRIVATE = 0x02;
  public static final int MAP_FIXED = 0x10;
  public static final int MAP_ANONYMOUS = 0x20;

  public static final int MS_ASYNC = 1;
  public static final int MS_SYNC = 4;
}
