package it.clean;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.KernelPorts;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.Program;
import org.sego.api.sim.Registers;
import org.sego.api.sim.StatsSink;

/**
 * Tries what a kernel turned greedy would: is any port an instance of a host class, can reflection
 * read a port's fields or call a host method, can it add to the hypervisor's stats, does writing into
 * the register array it got change the process? Each success is counted in stats.json.
 */
final class ProbeKernel implements GuestKernel {
  private static final List<String> HOST_CLASSES = List.of("org.sego.core.sim.Simulation",
      "org.sego.core.sim.StatsRegistry", "org.sego.core.hv.HypervisorShell", "org.sego.api.hw.PhysicalMemory",
      "org.sego.api.hw.Mmu", "org.sego.api.hw.EptViews", "org.sego.api.sim.CostMeter");

  private final KernelPorts ports;
  private StatsSink.Counter hostInstances;
  private StatsSink.Counter fieldsRead;
  private StatsSink.Counter hostMethodsCalled;
  private StatsSink.Counter foreignStats;
  private StatsSink.Counter registerWritesThrough;
  private StatsSink.Counter probes;

  ProbeKernel(KernelPorts ports) {
    this.ports = ports;
  }

  @Override
  public void boot() {
    StatsSink s = ports.stats();
    hostInstances = s.counter("system.guest.probe.host-instances", "ports", "ports that are instances of a host class");
    fieldsRead = s.counter("system.guest.probe.fields-read", "fields", "port fields read by reflection");
    hostMethodsCalled = s.counter("system.guest.probe.host-methods", "calls", "host methods called by reflection");
    foreignStats = s.counter("system.guest.probe.foreign-stats", "stats", "stats outside system.guest it could add to");
    registerWritesThrough = s.counter("system.guest.probe.register-writes-through", "writes",
        "writes into a registers() array that reached the process");
    probes = s.counter("system.guest.probe.attempts", "attempts", "probes made");
    Object[] all = {ports.memory(), ports.hypercalls(), ports.blocks(), ports.clock(), ports.cpu(), ports.events(),
        ports.stats(), ports.hooks()};
    for (String name : HOST_CLASSES) {
      Class<?> c;
      try {
        c = Class.forName(name, false, ProbeKernel.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        continue;
      }
      for (Object o : all) {
        probes.add(1);
        if (c.isInstance(o)) {
          hostInstances.add(1);
        }
      }
    }
    for (Object o : all) {
      for (Field f : o.getClass().getDeclaredFields()) {
        probes.add(1);
        try {
          f.setAccessible(true);
          f.get(o);
          fieldsRead.add(1);
        } catch (RuntimeException | IllegalAccessException e) {
          // refused: what a port must do
        }
      }
      for (String m : List.of("charge", "stats", "set", "accounts", "memory")) {
        for (Method method : o.getClass().getMethods()) {
          if (!method.getName().equals(m) || method.getDeclaringClass().getName().startsWith("org.sego.api.")) {
            continue;
          }
          probes.add(1);
          try {
            method.invoke(o, new Object[method.getParameterCount()]);
            hostMethodsCalled.add(1);
          } catch (ReflectiveOperationException | RuntimeException e) {
            // refused
          }
        }
      }
    }
    for (String path : List.of("system.hv.violations", "system.time.completion", "system.devices.disk.busy")) {
      probes.add(1);
      try {
        s.counter(path, "events", "forged").add(1);
        foreignStats.add(1);
      } catch (IllegalArgumentException e) {
        // refused
      }
    }
  }

  @Override
  public int start(Program program) {
    int pid = 1;
    ports.cpu().spawn(pid, 0, program);
    long[] regs = ports.cpu().registers(pid);
    regs[Registers.RBX] = 0x5ec0;
    probes.add(1);
    if (ports.cpu().registers(pid)[Registers.RBX] == 0x5ec0) {
      registerWritesThrough.add(1);
    }
    return pid;
  }

  @Override
  public boolean pageFault(int pid, long gva, int errorCode) {
    return false;
  }

  @Override
  public Syscalls syscalls(int pid) {
    return new Syscalls() {
      @Override
      public int getpid() {
        return pid;
      }

      @Override
      public void yield() {
        ports.cpu().yield();
      }

      @Override
      public long clockNanos() {
        return ports.clock().nowNanos();
      }

      @Override
      public void exit(int status) {}
    };
  }
}
