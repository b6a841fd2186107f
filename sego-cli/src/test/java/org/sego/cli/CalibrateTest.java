package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.CostProfileProvider;
import org.sego.core.compose.CostProfileFile;
import org.sego.core.compose.SpecProblem;

/** `sego calibrate` writes a valid profile: its measured figures sourced to this host, the rest the base's. */
class CalibrateTest {
  @Test
  void writesAProfileWhoseMeasuredFiguresNameThisHostAndTheRestComeFromTheBase(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("cal.toml");
    StringWriter o = new StringWriter();
    int exit = SegoCommand.execute(new String[] {"calibrate", "--warmup", "1", "--millis", "1", "--rounds", "1", "--out", out.toString()},
        new PrintWriter(o), new PrintWriter(new StringWriter()));
    assertEquals(0, exit, o.toString());
    List<SpecProblem> problems = new ArrayList<>();
    CostProfileProvider p = CostProfileFile.load(out, "cost-profile", SegoCommand.registry(), problems);
    assertTrue(problems.isEmpty(), problems.toString());
    CostProfile c = p.profile();
    for (String k : List.of(CostProfile.CPU_COPY, CostProfile.CRYPTO_AES_GCM, CostProfile.CRYPTO_AES_CBC, CostProfile.CRYPTO_AES_CTR,
        CostProfile.CRYPTO_SHA256, CostProfile.CRYPTO_HMAC_SHA256, CostProfile.CRYPTO_CHACHA20_POLY1305, CostProfile.CRYPTO_BLAKE3)) {
      assertTrue(c.figure(k).source().startsWith("measured on this host"), k + ": " + c.figure(k).source());
      assertTrue(c.bandwidth(k).bytesPerSecond() > 0, k);
    }
    CostProfile modern = ((CostProfileProvider) SegoCommand.registry().find(org.sego.api.plugin.PluginKind.COST_PROFILE, "modern")
        .orElseThrow()).profile();
    assertEquals(modern.figure(CostProfile.HV_VMEXIT), c.figure(CostProfile.HV_VMEXIT)); // not measurable here: the base's, cited
    assertTrue(Files.readString(out).contains("base = \"modern\""));
  }

  @Test
  void aWrongBaseNamesTheProfiles(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    int exit = SegoCommand.execute(new String[] {"calibrate", "--base", "nope", "--out", dir.resolve("x.toml").toString()},
        new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(SegoCommand.USAGE, exit);
    assertTrue(err.toString().contains("--base nope") && err.toString().contains("modern"), err.toString());
  }
}
