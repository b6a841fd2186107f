package org.sego.core.hv;

import org.sego.api.hypercall.Capabilities;
import org.sego.api.hv.ProtectionStrategy;

/** No protection: the baseline every attack must succeed against. Offers no service, scrubs nothing. */
final class NoneStrategy implements ProtectionStrategy {
  @Override
  public String name() {
    return "none";
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.none();
  }
}
