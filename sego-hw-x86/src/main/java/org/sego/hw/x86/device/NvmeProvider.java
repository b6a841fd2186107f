package org.sego.hw.x86.device;

import org.sego.api.hw.DeviceModel;
import org.sego.api.plugin.DeviceModelProvider;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;

/** Device model {@code nvme}. */
public final class NvmeProvider extends DeviceModelProvider {
  @Override
  public String name() {
    return "nvme";
  }

  @Override
  public String description() {
    return "NVMe flash on PCIe: deep queues, low latency; a shared channel at its bandwidth";
  }

  @Override
  public ParameterSchema parameters() {
    return FlashParameters.schema("3 GB/s", "20 us", 32, "20 us");
  }

  @Override
  public DeviceModel create(PluginConfig config) {
    return FlashParameters.create(name(), config);
  }
}
