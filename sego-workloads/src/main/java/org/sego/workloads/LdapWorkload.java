package org.sego.workloads;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.sim.Program;

/**
 * OpenLDAP's shape (its LMDB back end): a database file of {@code records} fixed-size records,
 * loaded in bulk and fsynced, then mapped read-only; {@code lookups} skewed lookups read records straight
 * from the mapping, a few ({@code updates} per mille) rewrite a record with {@code pwrite} and
 * fsync it, after which the mapping must show the new record. The Java side keeps one generation
 * byte per record; every record looked up is checked against the content function. Exits with the
 * number of wrong lookups (capped at 255).
 */
public final class LdapWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "ldap";
  }

  @Override
  public String description() {
    return "OpenLDAP-like: read-mostly lookups in a memory-mapped database file, rare updates with fsync; every record checked";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("records", 8192, 1, 1 << 24, "records", "records in the database file"),
        Parameter.dataSize("record-size", "256 B", "bytes per record"),
        Parameter.integer("lookups", 20_000, 0, 1L << 40, "lookups", "lookups after the database is built"),
        Parameter.integer("updates", 10, 0, 1000, "permille", "lookups that update the record instead"));
  }

  @Override
  public Map<String, Object> quickParameters() {
    return Map.of("records", 4096, "lookups", 6000);
  }

  @Override
  public Work work(Parameters p) {
    return new Work("lookups", p.integer("lookups"));
  }

  @Override
  public Regime regime(Parameters p, RunFacts f) {
    long bytes = p.integer("records") * p.dataSize("record-size").bytes();
    long faults = f.stat("system.guest.mm.file-faults");
    return new Regime(faults > 0 && bytes <= f.memoryLimitBytes(), String.format(Locale.ROOT,
        "read-mostly mapped file: %,d-byte database %s the %,d-byte memory limit, %,d file-page faults, %d permille updates",
        bytes, bytes <= f.memoryLimitBytes() ? "within" : "beyond", f.memoryLimitBytes(), faults, p.integer("updates")));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int records = (int) p.integer("records");
    int size = (int) p.dataSize("record-size").bytes();
    long lookups = p.integer("lookups");
    int updates = (int) p.integer("updates");
    return u -> {
      var s = u.syscalls();
      long bytes = (long) records * size;
      int chunk = 64 * 1024;
      long buf = Pages.anonymous(s, chunk);
      byte[] scratch = new byte[chunk];
      byte[] generation = new byte[records];
      int fd = s.open("/ldap.db", Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_TRUNC);
      if (fd < 0) {
        s.exit(200);
      }
      int bad = 0;
      // Record i at generation g holds stream (i, g) at offset 0 of the record, so a lookup checks one
      // record. Loaded in bulk, as slapadd does: whole chunks of records per write.
      int perChunk = Math.max(1, chunk / size);
      for (int first = 0; first < records; first += perChunk) {
        int n = Math.min(perChunk, records - first);
        for (int k = 0; k < n; k++) {
          Content.fill(scratch, k * size, size, Content.stream(seed, first + k, 0), 0);
        }
        u.write(buf, scratch, 0, n * size);
        bad += s.pwrite(fd, buf, (long) n * size, (long) first * size) == (long) n * size ? 0 : 1;
      }
      bad += s.fsync(fd) == 0 ? 0 : 1;
      long map = s.mmapFile(0, bytes, Mman.PROT_READ, Mman.MAP_SHARED, fd, 0);
      if (map < 0) {
        s.exit(201);
      }
      SplittableRandom r = new SplittableRandom(seed);
      for (long q = 0; q < lookups; q++) {
        double x = r.nextDouble();
        int i = (int) (records * x * x);
        if (r.nextInt(1000) < updates) {
          generation[i]++;
          Content.fill(scratch, 0, size, Content.stream(seed, i, generation[i]), 0);
          u.write(buf, scratch, 0, size);
          bad += s.pwrite(fd, buf, size, (long) i * size) == size && s.fsync(fd) == 0 ? 0 : 1;
          continue;
        }
        u.read(map + (long) i * size, scratch, 0, size);
        u.compute(64); // the index walk
        bad += Content.matches(scratch, 0, size, Content.stream(seed, i, generation[i]), 0) ? 0 : 1;
      }
      s.munmap(map, bytes);
      s.close(fd);
      s.exit(Math.min(bad, 255));
    };
  }
}
