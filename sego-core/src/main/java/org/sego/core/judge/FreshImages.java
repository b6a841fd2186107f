package org.sego.core.judge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Each judged run gets fresh copies of the spec's images: the twin and the attack run never share one. */
final class FreshImages {
  private FreshImages() {}

  /**
   * {@code tree} with every device image replaced by a fresh copy in {@code dir}: the spec's image
   * (resolved against {@code specDir}) copied if it exists, else a new image that starts empty. The
   * spec's own files are never written.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> of(Map<String, Object> tree, Path specDir, Path dir) {
    if (!(tree.get("devices") instanceof Map)) {
      return tree;
    }
    Map<String, Object> devices = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : ((Map<String, Object>) tree.get("devices")).entrySet()) {
      Object d = e.getValue();
      if (d instanceof Map && ((Map<String, Object>) d).get("image") instanceof String
          && !((String) ((Map<String, Object>) d).get("image")).isEmpty()) {
        Map<String, Object> device = new LinkedHashMap<>((Map<String, Object>) d);
        Path source = specDir.resolve((String) device.get("image"));
        Path copy = dir.resolve(e.getKey() + ".img");
        try {
          Files.createDirectories(dir);
          Files.deleteIfExists(copy);
          if (Files.exists(source)) {
            Files.copy(source, copy);
          }
        } catch (IOException ex) {
          throw new UncheckedIOException("cannot make a fresh copy of image " + source + " at " + copy, ex);
        }
        device.put("image", copy.toAbsolutePath().toString());
        d = device;
      }
      devices.put(e.getKey(), d);
    }
    Map<String, Object> copy = new LinkedHashMap<>(tree);
    copy.put("devices", devices);
    return copy;
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("sego-judge-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder for the run's fresh images", e);
    }
  }

  static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind harms nothing
    }
  }
}
