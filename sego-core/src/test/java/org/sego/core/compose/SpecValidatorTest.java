package org.sego.core.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.core.SegoSystem;

class SpecValidatorTest {
  static final PluginRegistry REGISTRY = PluginRegistry.discover();

  static SystemSpec validate(String toml) {
    return new SpecValidator(REGISTRY).validate("test.toml", TomlSpecReader.parse("test.toml", toml));
  }

  static List<SpecProblem> problems(String toml) {
    return assertThrows(SpecException.class, () -> validate(toml)).problems();
  }

  @Test
  void aCorrectSpecResolvesEveryDefault() {
    SystemSpec s = validate("""
        [system]
        seed = 42
        memory = "256 MiB"
        [devices.disk]
        model = "nvme"
        size = "64 MiB"
        """);
    assertEquals(42, s.seed());
    assertEquals("none", s.strategy().provider().name());
    assertEquals("modern", s.costProfile().name());
    assertEquals(32, s.device("disk").orElseThrow().model().parameters().integer("queue-depth"));
    assertEquals(3_000_000_000L, s.device("disk").orElseThrow().model().parameters().bandwidth("bandwidth").bytesPerSecond());
    @SuppressWarnings("unchecked")
    Map<String, Object> devices = (Map<String, Object>) s.tree().get("devices");
    assertTrue(devices.toString().contains("org.sego.hw.x86"), "config names plug-in modules: " + devices);
  }

  @Test
  void threeMistakesAreReportedAtOnceEachWithKeyValueAndChoices() {
    List<SpecProblem> p = problems("""
        [system]
        memory = "256 MiBs"
        [devices.disk]
        model = "nvme"
        queue-dept = 32
        [devices.swap]
        model = "floppy"
        """);
    assertEquals(3, p.size(), p.toString());
    assertEquals("system.memory", p.get(0).key());
    assertTrue(p.get(0).toString().contains("\"256 MiBs\"") && p.get(0).message().contains("GiB"));
    assertEquals("devices.disk.queue-dept", p.get(1).key());
    assertTrue(p.get(1).message().contains("queue-depth"), p.get(1).message());
    assertEquals("devices.swap.model", p.get(2).key());
    assertTrue(p.get(2).message().contains("hdd, nvme, ramdisk, sata-ssd"), p.get(2).message());
  }

  @Test
  void unknownTablesStrategiesAndProfilesNameTheAcceptedChoices() {
    List<SpecProblem> p = problems("""
        [sytem]
        seed = 1
        [strategy]
        name = "sego-typo"
        """);
    assertEquals(2, p.size(), p.toString());
    assertTrue(p.get(0).message().contains("system, costs, strategy, devices"));
    assertTrue(p.get(1).message().contains("accepted: none"));
    List<SpecProblem> q = problems("""
        [system]
        cost-profile = "2030"
        """);
    assertTrue(q.get(0).message().contains("modern, paper-2015"), q.toString());
  }

  @Test
  void theCostProfileSetsDeviceDefaultsAndAnExplicitValueWins() {
    SystemSpec s = validate("""
        [system]
        cost-profile = "paper-2015"
        [devices.a]
        model = "nvme"
        [devices.b]
        model = "nvme"
        bandwidth = "7 GB/s"
        """);
    assertEquals(1_500_000_000L, s.device("a").orElseThrow().model().parameters().bandwidth("bandwidth").bytesPerSecond());
    assertEquals(7_000_000_000L, s.device("b").orElseThrow().model().parameters().bandwidth("bandwidth").bytesPerSecond());
    assertEquals("system.devices.b", s.device("b").orElseThrow().path());
  }

  @Test
  void volumeGeometryIsChecked() {
    List<SpecProblem> p = problems("""
        [devices.disk]
        model = "ramdisk"
        size = "10000 B"
        """);
    assertEquals("devices.disk.size", p.get(0).key());
    assertTrue(p.get(0).message().contains("multiple of the block size"));
  }

  @Test
  void aHypervisorRegionMustFitTheDeviceAndBeOnAGuestOne() {
    List<SpecProblem> p = problems("""
        [devices.disk]
        model = "ramdisk"
        size = "16 MiB"
        hypervisor-region = "16 MiB"
        """);
    assertEquals("devices.disk.hypervisor-region", p.get(0).key());
    assertTrue(p.get(0).message().contains("smaller than the size 16 MiB"), p.get(0).message());
    List<SpecProblem> q = problems("""
        [devices.hv]
        model = "ramdisk"
        size = "16 MiB"
        access = "hypervisor"
        hypervisor-region = "4 MiB"
        """);
    assertEquals("devices.hv.hypervisor-region", q.get(0).key());
    assertTrue(q.get(0).message().contains("access = \"hypervisor\""), q.get(0).message());
  }

  @Test
  void brokenTomlNamesTheLine() {
    List<SpecProblem> p = problems("[system]\nseed = = 3\n");
    assertTrue(p.get(0).message().contains("line 2"), p.toString());
  }

  @Test
  void theBuilderAndTomlGiveTheSameResolvedSystem() {
    SystemSpec fromToml = validate("""
        [system]
        seed = 5
        memory = "128 MiB"
        [strategy]
        name = "none"
        [devices.disk]
        model = "sata-ssd"
        size = "32 MiB"
        """);
    SystemSpec fromBuilder = SegoSystem.builder(REGISTRY).seed(5).memory("128 MiB").strategy("none")
        .device("disk", "sata-ssd", Map.of("size", "32 MiB")).build().spec();
    assertEquals(fromToml.tree(), fromBuilder.tree());
  }

  @Test
  void aNameFromTheCommandLineKeepsTheTablesParametersWhenTheNameIsTheSameAndSaysWhichItDrops() {
    java.util.Map<String, Object> tree = TomlSpecReader.parse("t", "[strategy]\nname = \"sego\"\nbatch = 8\n");
    java.util.List<String> notes = new java.util.ArrayList<>();
    assertEquals(java.util.Map.of("name", "sego", "batch", 8),
        java.util.Map.copyOf((java.util.Map<?, ?>) SpecValidator.withName(tree, "strategy", "sego", notes).get("strategy")));
    assertEquals(java.util.List.of(), notes);
    assertEquals(java.util.Map.of("name", "none"),
        java.util.Map.copyOf((java.util.Map<?, ?>) SpecValidator.withName(tree, "strategy", "none", notes).get("strategy")));
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains("[strategy] parameters of 'sego' dropped (batch)"), notes.get(0));
  }
}
