package org.sego.core.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;

class PluginRegistryTest {
  static PluginProvider named(String name, PluginKind kind) {
    return new PluginProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public PluginKind kind() {
        return kind;
      }

      @Override
      public String description() {
        return "test";
      }
    };
  }

  @Test
  void discoveryFindsTheFoundationsPlugins() {
    PluginRegistry r = PluginRegistry.discover();
    assertEquals(List.of("none"), r.names(PluginKind.STRATEGY));
    assertEquals(List.of("hdd", "nvme", "ramdisk", "sata-ssd"), r.names(PluginKind.DEVICE));
    assertEquals(List.of("modern", "paper-2015"), r.names(PluginKind.COST_PROFILE));
    assertEquals("org.sego.hw.x86", PluginRegistry.moduleName(r.find(PluginKind.DEVICE, "nvme").orElseThrow()));
  }

  @Test
  void twoProvidersOfOneKindAndNameAreAnErrorNamingBoth() {
    PluginDiscoveryException e = assertThrows(PluginDiscoveryException.class,
        () -> new PluginRegistry(List.of(named("nvme", PluginKind.DEVICE), named("nvme", PluginKind.DEVICE))));
    assertTrue(e.getMessage().contains("two device plug-ins are named 'nvme'"), e.getMessage());
    assertTrue(e.getMessage().contains("PluginRegistryTest"), e.getMessage());
  }

  @Test
  void oneNameMayServeTwoKinds() {
    PluginRegistry r = new PluginRegistry(List.of(named("x", PluginKind.DEVICE), named("x", PluginKind.WORKLOAD)));
    assertEquals(2, r.named("x").size());
  }

  @Test
  void aBrokenProviderIsNamedWithItsModuleAndCause() {
    ServiceLoader.Provider<PluginProvider> broken = new ServiceLoader.Provider<>() {
      @Override
      public Class<? extends PluginProvider> type() {
        return BrokenProvider.class;
      }

      @Override
      public PluginProvider get() {
        throw new ServiceConfigurationError("provider failed", new IllegalStateException("missing native library"));
      }
    };
    PluginDiscoveryException e = assertThrows(PluginDiscoveryException.class,
        () -> PluginRegistry.load(List.of(broken).iterator()));
    assertTrue(e.getMessage().contains(BrokenProvider.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("org.sego.core"), e.getMessage());
    assertTrue(e.getMessage().contains("missing native library"), e.getMessage());
  }

  @Test
  void anUntrustedPluginThatBindsSomethingIsRefused() {
    PluginProvider sneaky = new PluginProvider() {
      @Override
      public String name() {
        return "sneaky";
      }

      @Override
      public PluginKind kind() {
        return PluginKind.ATTACK;
      }

      @Override
      public String description() {
        return "binds itself into the trusted injector";
      }

      @Override
      public com.google.inject.Module module(org.sego.api.plugin.PluginConfig config) {
        return binder -> binder.bind(String.class).toInstance("inside the hypervisor");
      }
    };
    PluginDiscoveryException e = assertThrows(PluginDiscoveryException.class,
        () -> new PluginRegistry(List.of(sneaky, named("fine", PluginKind.WORKLOAD))));
    assertTrue(e.getMessage().contains("attack plug-in 'sneaky'") && e.getMessage().contains("binds Guice components"),
        e.getMessage());
  }

  abstract static class BrokenProvider implements PluginProvider {}
}
