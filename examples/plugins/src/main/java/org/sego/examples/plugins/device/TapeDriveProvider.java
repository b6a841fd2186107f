package org.sego.examples.plugins.device;

import org.sego.api.hw.DeviceModel;
import org.sego.api.plugin.DeviceModelProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;

/**
 * A new device model in one class: a tape drive that streams fast but must wind to any position
 * it is not already at. Declared in {@code module-info.java} with one {@code provides} line; no
 * other module changes.
 */
public final class TapeDriveProvider extends DeviceModelProvider {
  @Override
  public String name() {
    return "tape";
  }

  @Override
  public String description() {
    return "A tape drive (example plug-in): streams at its rate, winds at a fixed speed to reposition";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.bandwidth("stream", "400 MB/s", "streaming rate once positioned"),
        Parameter.bandwidth("wind", "10 GB/s", "tape travel speed while repositioning, in bytes of tape per second"),
        Parameter.duration("load", "20 ms", "fixed cost of stopping and restarting the tape"));
  }

  @Override
  public DeviceModel create(PluginConfig config) {
    var p = config.parameters();
    var stream = p.bandwidth("stream");
    var wind = p.bandwidth("wind");
    long load = p.duration("load").nanos();
    return new DeviceModel() {
      private long position;

      @Override
      public String model() {
        return "tape";
      }

      @Override
      public int queueDepth() {
        return 1;
      }

      @Override
      public long accessNanos(boolean write, long offsetBytes, long lengthBytes, long startNanos) {
        long distance = Math.abs(offsetBytes - position);
        position = offsetBytes + lengthBytes;
        return distance == 0 ? 0 : load + wind.nanosFor(distance);
      }

      @Override
      public long transferNanos(long lengthBytes) {
        return stream.nanosFor(lengthBytes);
      }

      @Override
      public long flushNanos() {
        return load;
      }
    };
  }
}
