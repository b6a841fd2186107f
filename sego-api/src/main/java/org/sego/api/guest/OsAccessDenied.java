package org.sego.api.guest;

import org.sego.api.Experimental;

/** Thrown, preallocated and without a stack trace, when the OS view denies a word access. */
@Experimental("grows with the guest kernel")
public final class OsAccessDenied extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final OsAccessDenied INSTANCE = new OsAccessDenied();

  private OsAccessDenied() {
    super("the OS's EPT view denies this access", null, false, false);
  }
}
