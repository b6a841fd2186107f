package org.sego.hw.x86.device;

import org.sego.api.hw.DeviceModel;
import org.sego.api.plugin.DeviceModelProvider;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;

/** Device model {@code sata-ssd}. */
public final class SataSsdProvider extends DeviceModelProvider {
  @Override
  public String name() {
    return "sata-ssd";
  }

  @Override
  public String description() {
    return "SATA SSD: NCQ depth 32, about 520 MB/s, 80 us access";
  }

  @Override
  public ParameterSchema parameters() {
    return FlashParameters.schema("520 MB/s", "80 us", 32, "1 ms");
  }

  @Override
  public DeviceModel create(PluginConfig config) {
    return FlashParameters.create(name(), config);
  }
}
