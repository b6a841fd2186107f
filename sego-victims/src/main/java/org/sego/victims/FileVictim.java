package org.sego.victims;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.sego.api.attack.Canaries;
import org.sego.api.hap.HapProgram;
import org.sego.api.hap.SecureFiles;
import org.sego.api.hap.TrustedRuntime;
import org.sego.api.posix.Fcntl;

/**
 * The victim of the file attacks: two secure files of canaried pages, made durable and committed.
 * Each round it enters the kernel (a hook point), opens both files, emits each one's length and a
 * digest of its contents, rewrites each file's first page with a new version, and fsyncs.
 */
final class FileVictim implements HapProgram {
  static final String[] FILES = {"/secret0", "/secret1"};
  private final long seed;
  private final int pages;
  private final int rounds;

  FileVictim(long seed, int pages, int rounds) {
    this.seed = seed;
    this.pages = pages;
    this.rounds = rounds;
  }

  @Override
  public void run(TrustedRuntime t) {
    var u = t.user();
    SecureFiles fs = t.files();
    Canaries canaries = new Canaries(seed, 2L * pages);
    long buf = t.allocateSecure((long) pages * 4096);
    byte[] page = new byte[4096];
    int existing = fs.open(FILES[0], 0);
    if (existing >= 0) {
      // Started again after a crash: consume what the files hold now, and stop.
      fs.close(existing);
      for (int k = 0; k < 2; k++) {
        int sfd = fs.open(FILES[k], 0);
        long len = sfd < 0 ? sfd : fs.length(sfd);
        t.emit("recovered-length-" + k, len);
        t.emit("recovered-file-" + k, sfd < 0 ? sfd : digest(t, fs, sfd, buf, len));
        fs.close(sfd);
      }
      t.syscalls().exit(0);
    }
    for (int k = 0; k < 2; k++) {
      int sfd = fs.open(FILES[k], Fcntl.O_CREAT);
      if (sfd < 0) {
        t.syscalls().exit(100);
      }
      for (int p = 0; p < pages; p++) {
        canaries.fill(page, (long) k * pages + p, 0);
        u.write(buf + p * 4096L, page, 0, 4096);
      }
      fs.write(sfd, buf, (long) pages * 4096);
      fs.fsync(sfd);
      fs.close(sfd);
    }
    fs.commit();
    for (int r = 0; r < rounds; r++) {
      t.syscalls().clockNanos();
      int[] sfd = {fs.open(FILES[0], 0), fs.open(FILES[1], 0)};
      for (int k = 0; k < 2; k++) {
        long len = fs.length(sfd[k]);
        t.emit("length-" + k + "-" + r, len);
        t.emit("file-" + k + "-" + r, digest(t, fs, sfd[k], buf, len));
      }
      for (int k = 0; k < 2; k++) {
        canaries.fill(page, (long) k * pages, r + 1);
        u.write(buf, page, 0, 4096);
        fs.seek(sfd[k], 0);
        fs.write(sfd[k], buf, 4096);
        fs.fsync(sfd[k]);
      }
      fs.close(sfd[0]);
      fs.close(sfd[1]);
    }
    t.syscalls().exit(0);
  }

  /** A digest of the first {@code len} bytes of an open secure file (at most the victim's buffer). */
  private long digest(TrustedRuntime t, SecureFiles fs, int sfd, long buf, long len) {
    fs.seek(sfd, 0);
    long n = fs.read(sfd, buf, Math.min(len, (long) pages * 4096));
    long digest = 0xcbf29ce484222325L;
    byte[] w = new byte[8];
    for (long off = 0; off + 8 <= n; off += 8) {
      t.user().read(buf + off, w, 0, 8);
      digest = (digest ^ ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN).getLong()) * 0x100000001b3L;
    }
    return digest;
  }
}
