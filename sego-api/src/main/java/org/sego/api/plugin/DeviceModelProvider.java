package org.sego.api.plugin;

import com.google.inject.Module;
import org.sego.api.Stable;
import org.sego.api.hw.DeviceModel;

/**
 * Convenience base for a device timing model: name it, describe its parameters and build the
 * {@link DeviceModel} from validated values. Adding a device model is one such class and one
 * {@code provides} line.
 */
@Stable(since = "0.1")
public abstract class DeviceModelProvider implements PluginProvider {
  protected DeviceModelProvider() {}

  @Override
  public final PluginKind kind() {
    return PluginKind.DEVICE;
  }

  /** Builds the timing model; called once per device instance. */
  public abstract DeviceModel create(PluginConfig config);

  @Override
  public final Module module(PluginConfig config) {
    DeviceModel model = create(config);
    return binder -> binder.bind(DeviceModel.class).toInstance(model);
  }
}
