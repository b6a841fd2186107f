package org.sego.hw.x86.device;

import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.Parameters;

/** The parameter schema shared by the flash-like models, with each model's defaults. */
final class FlashParameters {
  private FlashParameters() {}

  static ParameterSchema schema(String bandwidth, String latency, long queueDepth, String flush) {
    return ParameterSchema.of(
        Parameter.bandwidth("bandwidth", bandwidth, "sustained transfer rate of the shared channel"),
        Parameter.duration("latency", latency, "access latency of one request, paid after its transfer"),
        Parameter.integer("queue-depth", queueDepth, 1, 65_536, "requests", "requests in service at once"),
        Parameter.duration("flush-latency", flush, "time a cache flush or FUA takes once the queue drains"));
  }

  static FlashModel create(String model, PluginConfig config) {
    Parameters p = config.parameters();
    return new FlashModel(model, p.bandwidth("bandwidth"), p.duration("latency"), p.integer("queue-depth"),
        p.duration("flush-latency"));
  }
}
