package org.sego.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.sego.api.plugin.PluginKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sego calibrate}: this host's copy, zeroing and crypto bandwidths per 4 KiB page, as a
 * cost-profile TOML that starts from a built-in profile; what a host cannot measure from Java (VM
 * exits, view switches, device figures) keeps that profile's cited figures.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class,
    description = "Measure this host's memory copy and zeroing, AES-GCM, AES-CBC, AES-CTR, SHA-256, HMAC-SHA256, "
        + "ChaCha20-Poly1305 (JDK) and BLAKE3 (Bouncy Castle) on 4 KiB pages, one core, and write a cost-profile TOML "
        + "(base = --base: every figure not measured keeps that profile's value and source). Use it with "
        + "--cost-profile FILE or `sego compare --cost-profiles` after copying it next to a spec.")
final class CalibrateCommand implements Callable<Integer> {
  private static final int PAGE = 4096;

  @Option(names = "--base", defaultValue = "modern", description = "profile the file starts from (default: ${DEFAULT-VALUE})")
  String base;

  @Option(names = "--millis", defaultValue = "300", description = "measuring time per figure and round, in ms (default: ${DEFAULT-VALUE})")
  long millis;

  @Option(names = "--warmup", defaultValue = "1500", description = "warm-up per figure, in ms, before its rounds (default: ${DEFAULT-VALUE})")
  long warmup;

  @Option(names = "--rounds", defaultValue = "5", description = "rounds per figure; the median is kept (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--out", defaultValue = "calibrated.toml", description = "profile file to write (default: ${DEFAULT-VALUE})")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** One 4 KiB operation. */
  interface Op {
    int run() throws GeneralSecurityException;
  }

  @Override
  public Integer call() throws GeneralSecurityException {
    if (SegoCommand.registry().find(PluginKind.COST_PROFILE, base).isEmpty()) {
      throw new SegoCommand.UserError("--base " + base + ": no such cost profile; accepted: "
          + SegoCommand.join(SegoCommand.registry().names(PluginKind.COST_PROFILE)));
    }
    if (millis < 1 || rounds < 1 || warmup < 1) {
      throw new SegoCommand.UserError("--millis, --warmup and --rounds must be at least 1");
    }
    Map<String, Op> ops = ops();
    Map<String, Double> measured = new LinkedHashMap<>();
    var o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "calibrate: %d figures, %d round(s) of %d ms each, one thread, 4 KiB pages%n", ops.size(), rounds, millis);
    for (Map.Entry<String, Op> e : ops.entrySet()) {
      double bps = measure(e.getValue());
      measured.put(e.getKey(), bps);
      o.printf(Locale.ROOT, "  %-26s %10.2f GB/s  (%,.0f ns per page)%n", e.getKey(), bps / 1e9, PAGE * 1e9 / bps);
      o.flush();
    }
    String source = String.format(Locale.ROOT, "measured on this host by sego calibrate, %s, Java %s (%s), %d ms x %d rounds, median",
        java.time.LocalDate.now(), System.getProperty("java.version"), System.getProperty("java.vm.name"), millis, rounds);
    StringBuilder t = new StringBuilder();
    t.append("# A cost profile measured by `sego calibrate` (").append(java.time.LocalDate.now()).append(").\n")
        .append("# Figures not listed here (VM exits, view switches, EPT work, device defaults) are the base profile's, with its sources.\n")
        .append("name = \"calibrated\"\nbase = \"").append(base).append("\"\n\n[figures]\n");
    measured.forEach((k, v) -> t.append(String.format(Locale.ROOT, "\"%s\" = { value = \"%d MB/s\", source = \"%s\" }%n",
        k, Math.max(1, Math.round(v / 1e6)), source)));
    try {
      Files.writeString(out, t.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
    o.println("profile: " + out + " (use it as --cost-profile " + out + ")");
    o.flush();
    return 0;
  }

  /** Bytes per second of {@code op}: the median of {@link #rounds} rounds of {@link #millis} each, after one warm-up round. */
  double measure(Op op) throws GeneralSecurityException {
    long asked = millis;
    millis = warmup; // until the JIT has compiled the intrinsics (AES-GCM's take over a second)
    round(op);
    millis = asked;
    double[] r = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      r[i] = round(op);
    }
    Arrays.sort(r);
    return r[rounds / 2];
  }

  private double round(Op op) throws GeneralSecurityException {
    long end = System.nanoTime() + millis * 1_000_000;
    long n = 0;
    long start = System.nanoTime();
    long sink = 0;
    long now;
    do {
      for (int i = 0; i < 64; i++) {
        sink += op.run();
      }
      n += 64;
      now = System.nanoTime();
    } while (now < end);
    if (sink == 42) {
      spec.commandLine().getErr().print(""); // (keeps the results live)
    }
    return n * (double) PAGE * 1e9 / (now - start);
  }

  static Map<String, Op> ops() throws GeneralSecurityException {
    byte[] page = new byte[PAGE];
    new java.util.SplittableRandom(1).nextBytes(page);
    byte[] dst = new byte[PAGE + 64];
    SecretKeySpec aes = new SecretKeySpec(new byte[16], "AES");
    SecretKeySpec chachaKey = new SecretKeySpec(new byte[32], "ChaCha20");
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
    Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
    Cipher chacha = Cipher.getInstance("ChaCha20-Poly1305");
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    Blake3Digest blake3 = new Blake3Digest(256);
    long[] counter = {0};
    java.util.function.IntFunction<byte[]> nonce = len -> {
      byte[] b = new byte[len];
      long c = ++counter[0];
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (c >>> (8 * i));
      }
      return b;
    };
    // Copies and zeroing walk 64 MiB, beyond the caches, as a simulated page copy would.
    int pages = 8192;
    byte[] from = new byte[pages * PAGE];
    byte[] to = new byte[pages * PAGE];
    int[] at = {0};
    Map<String, Op> m = new LinkedHashMap<>();
    m.put("cpu.copy", () -> {
      int off = (at[0] = (at[0] + 1) % pages) * PAGE;
      System.arraycopy(from, off, to, off, PAGE);
      return to[off];
    });
    m.put("cpu.zero", () -> {
      int off = (at[0] = (at[0] + 1) % pages) * PAGE;
      Arrays.fill(to, off, off + PAGE, (byte) 0);
      return to[off + 7];
    });
    m.put("crypto.aes-gcm", () -> {
      gcm.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonce.apply(12)));
      return gcm.doFinal(page, 0, PAGE, dst);
    });
    m.put("crypto.aes-cbc", () -> {
      cbc.init(Cipher.ENCRYPT_MODE, aes, new IvParameterSpec(nonce.apply(16)));
      return cbc.doFinal(page, 0, PAGE, dst);
    });
    m.put("crypto.aes-ctr", () -> {
      ctr.init(Cipher.ENCRYPT_MODE, aes, new IvParameterSpec(nonce.apply(16)));
      return ctr.doFinal(page, 0, PAGE, dst);
    });
    m.put("crypto.sha256", () -> sha.digest(page)[0]);
    m.put("crypto.hmac-sha256", () -> hmac.doFinal(page)[0]);
    m.put("crypto.chacha20-poly1305", () -> {
      chacha.init(Cipher.ENCRYPT_MODE, chachaKey, new IvParameterSpec(nonce.apply(12)));
      return chacha.doFinal(page, 0, PAGE, dst);
    });
    m.put("crypto.blake3", () -> {
      blake3.update(page, 0, PAGE);
      return blake3.doFinal(dst, 0);
    });
    return m;
  }
}
