package org.sego.guest.linuxlike;

import java.util.Map;
import org.sego.api.sim.Program;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/** Boots linuxlike in a small real system and runs one program to completion. */
final class Guest {
  record Outcome(int status, SystemRun run) {
    long stat(String path) {
      return run.stats().value(path); // an unregistered stat fails the test that reads it
    }
  }

  static SegoSystem.Builder system(Map<String, ?> guestParams) {
    return SegoSystem.builder().memory("64 MiB").seed(3)
        .device("swap", "nvme", Map.of("size", "64 MiB"))
        .guest("linuxlike", guestParams);
  }

  static Outcome run(Program program) {
    return run(system(Map.of()), program);
  }

  static Outcome run(SegoSystem.Builder builder, Program program) {
    try (SystemRun run = builder.build().start()) {
      run.bootGuest();
      int pid = run.start(program);
      run.run();
      return new Outcome(run.exitStatuses().get(pid), run);
    }
  }
}
