package org.sego.victims;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.sego.api.attack.Canaries;
import org.sego.api.hap.HapProgram;
import org.sego.api.hap.TrustedRuntime;

/**
 * The victim HAP: secret pages (a distinct canary every 512 bytes) in secure memory. Each round it
 * enters the kernel (the attacks' hook point), reads every page back, emits a digest of what it
 * read, and rewrites a quarter of the pages with a new version.
 */
final class SecretVictim implements HapProgram {
  private final long seed;
  private final int pages;
  private final int rounds;

  SecretVictim(long seed, int pages, int rounds) {
    this.seed = seed;
    this.pages = pages;
    this.rounds = rounds;
  }

  @Override
  public void run(TrustedRuntime t) {
    var u = t.user();
    Canaries canaries = new Canaries(seed, pages);
    long base = t.allocateSecure((long) pages * 4096);
    if (base < 0) {
      t.syscalls().exit(100);
    }
    byte[] page = new byte[4096];
    for (int i = 0; i < pages; i++) {
      canaries.fill(page, i, 0);
      u.write(base + i * 4096L, page, 0, 4096);
    }
    for (int r = 0; r < rounds; r++) {
      t.syscalls().clockNanos();
      long digest = 0xcbf29ce484222325L;
      for (int i = 0; i < pages; i++) {
        u.read(base + i * 4096L, page, 0, 4096);
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < 4096; off += 8) {
          digest = (digest ^ b.getLong(off)) * 0x100000001b3L;
        }
      }
      t.emit("round-" + r, digest);
      for (int i = r % 4; i < pages; i += 4) {
        canaries.fill(page, i, r + 1);
        u.write(base + i * 4096L, page, 0, 4096);
      }
    }
    t.syscalls().exit(0);
  }
}
