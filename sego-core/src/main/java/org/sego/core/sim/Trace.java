package org.sego.core.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.sego.core.output.Json;

/**
 * The optional trace, JSON Lines: simulated time, vCPU, component path, event and its fields. When
 * off, a call site costs one branch on {@link #on}.
 */
public final class Trace implements AutoCloseable {
  public final boolean on;
  private final BufferedWriter out;

  private Trace(boolean on, BufferedWriter out) {
    this.on = on;
    this.out = out;
  }

  public static Trace off() {
    return new Trace(false, null);
  }

  public static Trace to(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      return new Trace(true, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open trace " + file, e);
    }
  }

  public void record(long timeNanos, int vcpu, String path, String event, Map<String, Object> fields) {
    if (!on) {
      return;
    }
    Map<String, Object> m = new TreeMap<>(fields);
    m.put("t", timeNanos);
    m.put("vcpu", vcpu);
    m.put("path", path);
    m.put("event", event);
    try {
      out.write(Json.writeLine(m));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace", e);
    }
  }

  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close trace", e);
      }
    }
  }
}
