package org.sego.api.hv;

import java.util.List;
import org.sego.api.Experimental;

/**
 * A property a strategy claims against one adversary, with the assumptions it rests on. Properties:
 * {@code confidentiality-ram}, {@code confidentiality-rest}, {@code integrity}, {@code freshness},
 * {@code crash-consistency}, {@code sharing}. The attack matrix tells "claim violated" from "not claimed".
 */
@Experimental("grows with the strategies")
public record Claim(Adversary adversary, String property, List<String> assumptions) {
  public enum Adversary {
    /** A malicious guest kernel: everything it can do through its ports. */
    GUEST_OS,
    /** Physical access to storage at rest: a stolen disk, or a power failure with chosen surviving writes. */
    PHYSICAL
  }

  public Claim {
    assumptions = List.copyOf(assumptions);
  }

  public static Claim againstOs(String property, String... assumptions) {
    return new Claim(Adversary.GUEST_OS, property, List.of(assumptions));
  }
}
