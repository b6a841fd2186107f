package org.sego.hw.x86.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sego.api.cost.CostFigure;
import org.sego.api.cost.CostProfile;
import org.sego.api.units.Bandwidth;
import org.sego.api.units.Duration;

class CostProfilesTest {
  private static final List<String> DURATIONS = List.of(CostProfile.CPU_SYSCALL, CostProfile.CPU_PAGE_FAULT,
      CostProfile.CPU_CONTEXT_SWITCH, CostProfile.MEM_WALK_STEP, CostProfile.HV_VMEXIT, CostProfile.HV_HYPERCALL);
  private static final List<String> BANDWIDTHS = List.of(CostProfile.CPU_COPY, CostProfile.CPU_ZERO,
      CostProfile.CRYPTO_AES_GCM, CostProfile.CRYPTO_AES_CBC, CostProfile.CRYPTO_SHA256, CostProfile.CRYPTO_HMAC_SHA256);

  @Test
  void everyProfileDefinesEveryRequiredFigureInItsUnitAndAboveZero() {
    for (CostProfile p : List.of(new Paper2015Profile().profile(), new ModernProfile().profile())) {
      assertEquals(List.of(), p.problems(), p.name() + " defines every required figure in its kind");
      for (var e : CostProfile.REQUIRED.entrySet()) {
        String key = e.getKey();
        long v = e.getValue() == CostProfile.Kind.DURATION ? p.duration(key).nanos()
            : e.getValue() == CostProfile.Kind.BANDWIDTH ? p.bandwidth(key).bytesPerSecond() : p.count(key);
        assertTrue(v > 0, p.name() + " " + key + " = " + p.figure(key).value());
      }
      for (String key : DURATIONS) {
        assertTrue(p.duration(key).nanos() > 0, p.name() + " " + key + " = " + p.figure(key).value());
      }
      for (String key : BANDWIDTHS) {
        assertTrue(p.bandwidth(key).bytesPerSecond() > 0, p.name() + " " + key + " = " + p.figure(key).value());
      }
      assertTrue(p.count(CostProfile.CPU_OPS_PER_US) > 0, p.name());
      for (CostFigure f : p.figures().values()) {
        String v = f.value();
        boolean parses = tryParse(() -> Bandwidth.parse(v)) || tryParse(() -> Duration.parse(v))
            || tryParse(() -> Long.parseLong(v));
        assertEquals(true, parses, p.name() + " " + f.key() + " = " + v);
      }
    }
  }

  @Test
  void paper2015UsesTheSlidesFigures() {
    CostProfile p = new Paper2015Profile().profile();
    assertEquals(1_000_000_000L, p.bandwidth(CostProfile.CRYPTO_AES_GCM).bytesPerSecond());
    assertEquals("520 MB/s", p.deviceDefault("sata-ssd", "bandwidth").orElseThrow());
    assertEquals("1.5 GB/s", p.deviceDefault("nvme", "bandwidth").orElseThrow());
  }

  private static boolean tryParse(Runnable r) {
    try {
      r.run();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
