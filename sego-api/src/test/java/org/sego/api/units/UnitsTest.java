package org.sego.api.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sego.api.plugin.Parameter;

class UnitsTest {
  @Test
  void decimalAndBinaryPrefixesDiffer() {
    assertEquals(4L << 30, DataSize.parse("4 GiB").bytes());
    assertEquals(4_000_000_000L, DataSize.parse("4 GB").bytes());
    assertEquals(3_000_000_000L, Bandwidth.parse("3 GB/s").bytesPerSecond());
    assertEquals(3_500_000_000L, Bandwidth.parse("3.5GB/s").bytesPerSecond());
    assertEquals(20_000, Duration.parse("20 us").nanos());
    assertEquals(8_500_000, Duration.parse("8.5 ms").nanos());
  }

  @Test
  void valuesPrintBackInTheirLargestWholeUnit() {
    assertEquals("256 MiB", DataSize.parse("256 MiB").toString());
    assertEquals("20 us", Duration.parse("20000 ns").toString());
    assertEquals("520 MB/s", Bandwidth.parse("520 MB/s").toString());
  }

  @Test
  void aWrongUnitNamesTheValueAndTheAcceptedUnits() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSize.parse("4 GiBs"));
    assertTrue(e.getMessage().contains("'4 GiBs'") && e.getMessage().contains("GiB"), e.getMessage());
  }

  @Test
  void transfersAreNeverFree() {
    assertEquals(1, Bandwidth.parse("10 GB/s").nanosFor(1));
    assertEquals(0, Bandwidth.parse("10 GB/s").nanosFor(0));
  }

  @Test
  void parametersCheckRangesAndChoices() {
    Parameter qd = Parameter.integer("queue-depth", 32, 1, 64, "requests", "depth");
    assertEquals(8L, qd.parse(8L));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> qd.parse(0L)).getMessage().contains("1 to 64"));
    Parameter c = Parameter.choice("access", "guest", "who", "guest", "hypervisor");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> c.parse("os")).getMessage()
        .contains("guest, hypervisor"));
  }

  @Test
  void theApiRequiresOnlyGuiceAndJakartaInject() {
    var d = DataSize.class.getModule().getDescriptor();
    Set<String> names = new java.util.TreeSet<>();
    d.requires().forEach(r -> names.add(r.name()));
    names.remove("java.base");
    assertEquals(Set.of("com.google.guice", "jakarta.inject"), names);
    assertEquals(List.of(), List.copyOf(d.opens()));
  }
}
