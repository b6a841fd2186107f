package org.sego.hw.x86.device;

import org.sego.api.hw.DeviceModel;
import org.sego.api.plugin.DeviceModelProvider;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;

/** Device model {@code ramdisk}. */
public final class RamdiskProvider extends DeviceModelProvider {
  @Override
  public String name() {
    return "ramdisk";
  }

  @Override
  public String description() {
    return "A RAM disk: memory-copy bandwidth, about 1 us access";
  }

  @Override
  public ParameterSchema parameters() {
    return FlashParameters.schema("4 GB/s", "1 us", 64, "0 ns");
  }

  @Override
  public DeviceModel create(PluginConfig config) {
    return FlashParameters.create(name(), config);
  }
}
