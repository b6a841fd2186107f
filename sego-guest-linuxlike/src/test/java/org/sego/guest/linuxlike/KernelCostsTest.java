package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.api.posix.Mman;
import org.sego.api.sim.Program;
import org.sego.core.compose.SpecException;

/** The kernel's work costs what the profile says: one figure changed in a profile file moves time by exactly that much. */
class KernelCostsTest {
  private static final int MAPPINGS = 50;

  @TempDir
  Path dir;

  private static final Program MMAPS = u -> {
    for (int i = 0; i < MAPPINGS; i++) {
      u.syscalls().mmap(0, 1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
    }
  };

  private long completion(String costProfile) {
    Guest.Outcome o = Guest.run(Guest.system(Map.of()).system("cost-profile", costProfile), MMAPS);
    assertEquals(0, o.status());
    return o.stat("system.time.completion");
  }

  @Test
  void oneKernelFigureChangedInAProfileFileChangesTimeByExactlyThatMuch() throws Exception {
    Path file = dir.resolve("slow-mmap.toml");
    Files.writeString(file, "name = \"slow-mmap\"\nbase = \"modern\"\n[figures]\n"
        + "\"guest.mmap\" = { value = \"1200 ns\", source = \"a test: modern's 200 ns plus 1 us\" }\n");
    long modern = completion("modern");
    long slow = completion(file.toString());
    assertEquals(MAPPINGS * 1_000L, slow - modern, "each of the " + MAPPINGS + " mmaps costs 1 us more");
  }

  @Test
  void aProfileFileThatLacksAFigureOrHasAWrongKindIsRefusedNamingBoth() throws Exception {
    Path file = dir.resolve("broken.toml");
    Files.writeString(file, "name = \"broken\"\n[figures]\n\"cpu.copy\" = \"20 us\"\n");
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> Guest.system(Map.of()).system("cost-profile", file.toString()).build());
    assertTrue(e.getMessage().contains("system.cost-profile"), e.getMessage());
    assertTrue(e.getMessage().contains("figure 'cpu.copy': '20 us' is not a bandwidth"), e.getMessage());
    assertTrue(e.getMessage().contains("figure 'guest.mmap' is missing"), e.getMessage());
  }

  @Test
  void aDeviceDefaultOfTheWrongKindOrOfNoSuchParameterOrModelIsRefusedToo() throws Exception {
    Path file = dir.resolve("typos.toml");
    Files.writeString(file, "base = \"modern\"\n[figures]\n\"nvme.bandwidth\" = \"6 GB\"\n"
        + "\"nvme.bandwith\" = \"6 GB/s\"\n\"floppy.speed\" = \"1 MB/s\"\n");
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> Guest.system(Map.of()).system("cost-profile", file.toString()).build());
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("figure 'nvme.bandwidth': '6 GB' is not a bandwidth"), e.getMessage());
    assertTrue(e.getMessage().contains("device 'nvme' has no parameter 'bandwith'"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown figure 'floppy.speed'"), e.getMessage());
  }
}
