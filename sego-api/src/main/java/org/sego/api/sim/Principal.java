package org.sego.api.sim;

import java.util.List;
import org.sego.api.Stable;

/** Who a charge is on behalf of, as {@code int} ids. */
@Stable(since = "0.1")
public final class Principal {
  private Principal() {}

  public static final int USER = 0;
  public static final int KERNEL = 1;
  public static final int HV = 2;

  public static final List<String> NAMES = List.of("user", "kernel", "hv");
}
