package org.sego.hw.x86.device;

import org.sego.api.hw.DeviceModel;
import org.sego.api.plugin.DeviceModelProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.Parameters;

/** Device model {@code hdd}: seek, rotation and media transfer of a 7200 rpm disk. */
public final class HddProvider extends DeviceModelProvider {
  @Override
  public String name() {
    return "hdd";
  }

  @Override
  public String description() {
    return "A rotating disk: square-root seek curve, rotational delay from simulated time, media transfer rate";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.bandwidth("transfer", "250 MB/s", "media transfer rate"),
        Parameter.duration("seek-average", "8.5 ms", "mean seek time between random positions"),
        Parameter.duration("seek-track", "1 ms", "seek to an adjacent track"),
        Parameter.integer("rpm", 7200, 3600, 20_000, "rev/min", "spindle speed"),
        Parameter.dataSize("capacity", "2 TB", "span the seek curve is scaled to"),
        Parameter.integer("queue-depth", 1, 1, 32, "requests", "requests in service at once (1: no NCQ)"),
        Parameter.duration("flush-latency", "10 ms", "time a cache flush takes once the queue drains"));
  }

  @Override
  public DeviceModel create(PluginConfig config) {
    Parameters p = config.parameters();
    return new HddModel(p.bandwidth("transfer"), p.duration("seek-average").nanos(), p.duration("seek-track").nanos(),
        p.integer("rpm"), p.dataSize("capacity").bytes(), (int) p.integer("queue-depth"),
        p.duration("flush-latency").nanos());
  }
}
