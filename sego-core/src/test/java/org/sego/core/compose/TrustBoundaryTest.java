package org.sego.core.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.KernelPorts;
import org.sego.api.wiring.MachineFactory;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.posix.Syscalls;
import org.sego.api.wiring.VolumeFactory;
import org.sego.core.SegoSystem;
import org.sego.core.sim.Trace;

/** Through Guice's SPI: nothing untrusted is built by the root injector or asks for a host object. */
class TrustBoundaryTest {
  static Injector realInjector() {
    SystemSpec spec = SegoSystem.builder().memory("32 MiB").device("disk", "nvme", Map.of("size", "8 MiB"))
        .device("swap", "nvme", Map.of("size", "8 MiB")).build().spec();
    return Guice.createInjector(new TrustedRootModule(spec, ServiceLoader.load(MachineFactory.class).findFirst().orElseThrow(),
        ServiceLoader.load(VolumeFactory.class).findFirst().orElseThrow(), Path.of("."), Trace.off()));
  }

  @Test
  void theRootInjectorBindsHostObjectsAndNoUntrustedPrincipal() {
    Injector injector = realInjector();
    assertTrue(injector.getExistingBinding(com.google.inject.Key.get(PhysicalMemory.class)) != null,
        "host objects are bound on the trusted side");
    assertEquals(List.of(), TrustBoundary.check(injector));
  }

  /** An untrusted kernel that asks Guice for physical memory: exactly what must never happen. */
  static final class GreedyKernel implements GuestKernel {
    @Inject
    GreedyKernel(PhysicalMemory memory) {}

    @Override
    public void boot() {}

    @Override
    public boolean pageFault(int pid, long gva, int errorCode) {
      return false;
    }

    @Override
    public Syscalls syscalls(int pid) {
      return null;
    }

    @Override
    public int start(org.sego.api.sim.Program program) {
      return -1;
    }
  }

  /** A kernel built the right way: from its ports. */
  static final class PortsKernel implements GuestKernel {
    PortsKernel(KernelPorts ports) {}

    @Override
    public void boot() {}

    @Override
    public boolean pageFault(int pid, long gva, int errorCode) {
      return false;
    }

    @Override
    public Syscalls syscalls(int pid) {
      return null;
    }

    @Override
    public int start(org.sego.api.sim.Program program) {
      return -1;
    }
  }

  @Test
  void aBindingThatBuildsAnUntrustedKernelIsFlagged() {
    Injector bad = realInjector().createChildInjector(new AbstractModule() {
      @Override
      protected void configure() {
        bind(GuestKernel.class).to(GreedyKernel.class);
      }
    });
    List<String> problems = TrustBoundary.check(bad);
    assertFalse(problems.isEmpty());
    assertTrue(problems.stream().anyMatch(p -> p.contains("host object") && p.contains("PhysicalMemory")), problems.toString());
  }

  @Test
  void anUntrustedClassAskingForAHostObjectIsFlaggedAndOneTakingPortsIsNot() {
    assertEquals(1, TrustBoundary.checkUntrusted(GreedyKernel.class).size());
    assertEquals(List.of(), TrustBoundary.checkUntrusted(PortsKernel.class));
  }

  /** An attack's hooks that ask for the hypervisor's services: a host object like any other. */
  static final class ServiceHungryHooks implements org.sego.api.attack.KernelHooks {
    @Inject
    ServiceHungryHooks(org.sego.api.hv.HypervisorServices hv) {}
  }

  @Test
  void theHypervisorServicesAreAHostObjectNoUntrustedClassMayAskFor() {
    List<String> problems = TrustBoundary.checkUntrusted(ServiceHungryHooks.class);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("HypervisorServices"), problems.toString());
    assertTrue(realInjector().getExistingBinding(com.google.inject.Key.get(org.sego.api.hv.HypervisorServices.class)) != null,
        "bound on the trusted side");
  }
}
