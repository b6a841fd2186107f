package org.sego.api.sim;

import org.sego.api.Stable;

/** Layout of a register file ({@code long[]}): 16 GPRs in x86 order, then rip and rflags. */
@Stable(since = "0.1")
public final class Registers {
  private Registers() {}

  public static final int RAX = 0;
  public static final int RCX = 1;
  public static final int RDX = 2;
  public static final int RBX = 3;
  public static final int RSP = 4;
  public static final int RBP = 5;
  public static final int RSI = 6;
  public static final int RDI = 7;
  public static final int R8 = 8;
  public static final int R15 = 15;
  public static final int RIP = 16;
  public static final int RFLAGS = 17;
  public static final int COUNT = 18;
}
