package org.sego.workloads;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.posix.Fcntl;
import org.sego.api.sim.Program;

/**
 * A file-heavy program: creates files in directories, writes seeded content in chunks, fsyncs
 * every few files, renames and deletes some, then reads every surviving file back and checks it.
 * Exits with the number of files that came back wrong. Needs the guest's {@code fs-device}.
 */
public final class FileHeavyWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "file-heavy";
  }

  @Override
  public String description() {
    return "Creates, writes, fsyncs, renames, deletes and reads back files; exits with the count of wrong files";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("files", 48, 1, 100_000, "files", "files created"),
        Parameter.dataSize("file-size", "192 KiB", "size of each file"),
        Parameter.integer("fsync-every", 4, 1, 1_000_000, "files", "an fsync after this many files"));
  }

  static byte[] content(long seed, int file, int size) {
    byte[] b = new byte[size];
    org.sego.support.RandomStreams.fill(new SplittableRandom(seed * 17 + file), b);
    return b;
  }

  static String path(int file, boolean renamed) {
    return "/d" + (file % 4) + "/" + (renamed ? "r" : "f") + file;
  }

  @Override
  public Program program(Parameters p, long seed) {
    int files = (int) p.integer("files");
    int size = (int) p.dataSize("file-size").bytes();
    int every = (int) p.integer("fsync-every");
    return u -> {
      var s = u.syscalls();
      int chunk = 1 << 16;
      long buf = Pages.anonymous(s, chunk);
      for (int d = 0; d < 4; d++) {
        s.mkdir("/d" + d);
      }
      for (int f = 0; f < files; f++) {
        byte[] data = content(seed, f, size);
        int fd = s.open(path(f, false), Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_TRUNC);
        if (fd < 0) {
          s.exit(200);
        }
        for (int off = 0; off < size; off += chunk) {
          int n = Math.min(chunk, size - off);
          u.write(buf, data, off, n);
          s.write(fd, buf, n);
        }
        if (f % every == every - 1) {
          s.fsync(fd);
        }
        s.close(fd);
        if (f % 5 == 1) {
          s.rename(path(f, false), path(f, true));
        } else if (f % 7 == 3) {
          s.unlink(path(f, false));
        }
      }
      int bad = 0;
      byte[] back = new byte[chunk];
      for (int f = 0; f < files; f++) {
        boolean deleted = f % 5 != 1 && f % 7 == 3;
        int fd = s.open(path(f, f % 5 == 1), Fcntl.O_RDONLY);
        if (deleted) {
          bad += fd >= 0 ? 1 : 0;
          continue;
        }
        if (fd < 0) {
          bad++;
          continue;
        }
        byte[] data = content(seed, f, size);
        for (int off = 0; off < size; off += chunk) {
          int n = Math.min(chunk, size - off);
          if (s.read(fd, buf, n) != n) {
            bad++;
            break;
          }
          u.read(buf, back, 0, n);
          if (!Arrays.equals(data, off, off + n, back, 0, n)) {
            bad++;
            break;
          }
        }
        s.close(fd);
      }
      s.exit(Math.min(bad, 255));
    };
  }
}
