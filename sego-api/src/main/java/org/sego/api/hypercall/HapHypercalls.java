package org.sego.api.hypercall;

import org.sego.api.Experimental;
import org.sego.api.hypercall.Hypercall;

/** The hypercalls of the trusted library, the same for every strategy. */
@Experimental("the hypercall catalogue")
public final class HapHypercalls {
  private HapHypercalls() {}

  /** Registers the calling process as a HAP; {@code Ok(hapId)} or {@code Refused} where nothing is protected. */
  public record Register() implements Hypercall {
    @Override
    public String name() {
      return "hap-register";
    }
  }

  /** Protects {@code [gva, gva + length)} of the calling HAP. */
  public record Protect(long gva, long length) implements Hypercall {
    @Override
    public String name() {
      return "hap-protect";
    }
  }

  /** The library's interposition on one system call (libsego and Overshadow's shim both make it). */
  public record Interpose(String syscall) implements Hypercall {
    @Override
    public String name() {
      return "syscall-interpose";
    }
  }
}
