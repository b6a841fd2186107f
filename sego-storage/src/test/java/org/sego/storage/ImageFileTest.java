package org.sego.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.api.storage.PowerFailure;
import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.storage.VolumeException;
import org.sego.api.storage.VolumeKind;

class ImageFileTest {
  @TempDir
  Path dir;

  VolumeConfig config(Path image, VolumeKind kind, long blocks) {
    return new VolumeConfig("disk", kind, 4096, blocks, 512, true, true, Optional.of(image));
  }

  @Test
  void flushedBlocksSurviveReopeningTheImageAndUnflushedOnesDoNot() {
    Path img = dir.resolve("disk.img");
    try (Volume v = new VolumeOpener().open(config(img, VolumeKind.GUEST, 16))) {
      v.write(2, CachedVolumeTest.block(42), 0, false);
      v.flush();
      v.write(3, CachedVolumeTest.block(43), 0, false);
      v.powerFail(PowerFailure.loseAll());
    }
    try (Volume v = new VolumeOpener().open(config(img, VolumeKind.GUEST, 16))) {
      assertArrayEquals(CachedVolumeTest.block(42), CachedVolumeTest.read(v, 2));
      assertArrayEquals(CachedVolumeTest.block(0), CachedVolumeTest.read(v, 3));
    }
  }

  private void assertRefusedUnchanged(Path img, VolumeConfig c, String expected) throws IOException {
    byte[] before = Files.readAllBytes(img);
    VolumeException e = assertThrows(VolumeException.class, () -> new VolumeOpener().open(c));
    assertTrue(e.getMessage().contains(img.toString()) && e.getMessage().contains(expected), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(img), "the refused file is never overwritten");
  }

  @Test
  void aForeignFileIsRefusedAndLeftAlone() throws IOException {
    Path img = dir.resolve("notes.txt");
    Files.writeString(img, "my thesis, chapter 3 ".repeat(400));
    assertRefusedUnchanged(img, config(img, VolumeKind.GUEST, 16), "not a Sego volume image");
  }

  @Test
  void aCorruptedHeaderIsRefused() throws IOException {
    Path img = dir.resolve("disk.img");
    new VolumeOpener().open(config(img, VolumeKind.GUEST, 16)).close();
    byte[] b = Files.readAllBytes(img);
    b[20] ^= 1;
    Files.write(img, b);
    assertRefusedUnchanged(img, config(img, VolumeKind.GUEST, 16), "corrupted header");
  }

  @Test
  void aTruncatedImageIsRefused() throws IOException {
    Path img = dir.resolve("disk.img");
    new VolumeOpener().open(config(img, VolumeKind.GUEST, 16)).close();
    byte[] b = Files.readAllBytes(img);
    Files.write(img, java.util.Arrays.copyOf(b, b.length - 4096));
    assertRefusedUnchanged(img, config(img, VolumeKind.GUEST, 16), "truncated");
    Files.write(img, java.util.Arrays.copyOf(b, 100));
    assertRefusedUnchanged(img, config(img, VolumeKind.GUEST, 16), "truncated");
  }

  @Test
  void anImageOfAnotherGeometryOrKindIsRefused() throws IOException {
    Path img = dir.resolve("meta.img");
    new VolumeOpener().open(config(img, VolumeKind.HYPERVISOR, 16)).close();
    assertRefusedUnchanged(img, config(img, VolumeKind.HYPERVISOR, 32), "holds 16 blocks");
    assertRefusedUnchanged(img, config(img, VolumeKind.GUEST, 16), "hypervisor-only");
  }
}
