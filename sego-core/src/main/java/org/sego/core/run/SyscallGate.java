package org.sego.core.run;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.SignalDelivery;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.sim.UserContext;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.sim.Simulation;

/**
 * The system-call instruction: every call enters the kernel (charged {@code cpu.syscall}, registers
 * scrubbed if the strategy protects the process, due events run, the attack's entry hook), runs the
 * kernel's implementation, passes its answer through the result hook, and leaves (exit hook,
 * registers restored, pending signals delivered, time slice checked).
 *
 * <p>One mechanism for every method of {@link Syscalls}: the process's {@link #syscalls()} is a
 * proxy whose handler does all of this, named by the method, so a system call added to the
 * interface passes the gate without anyone writing a line here (a kernel that does not implement it
 * answers {@code -ENOSYS} through its default). {@code exit} does not return.
 */
final class SyscallGate implements InvocationHandler {
  private final int pid;
  private final Simulation sim;
  private final HypervisorShell shell;
  private final GuestKernel kernel;
  private final Syscalls impl;
  private final UserContext user;
  private final long syscallNanos;
  private final DelegatingHooks hooks;
  private final Syscalls proxy;

  SyscallGate(int pid, Simulation sim, HypervisorShell shell, GuestKernel kernel, UserContext user, long syscallNanos,
      DelegatingHooks hooks) {
    this.hooks = hooks;
    this.pid = pid;
    this.sim = sim;
    this.shell = shell;
    this.kernel = kernel;
    this.impl = kernel.syscalls(pid);
    this.user = user;
    this.syscallNanos = syscallNanos;
    this.proxy = (Syscalls) Proxy.newProxyInstance(Syscalls.class.getClassLoader(), new Class<?>[] {Syscalls.class}, this);
  }

  /** The process's system calls: every one passes this gate. */
  Syscalls syscalls() {
    return proxy;
  }

  @Override
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return self == args[0];
        case "hashCode":
          return System.identityHashCode(self);
        default:
          return "syscalls of pid " + pid;
      }
    }
    String name = method.getName();
    List<Object> shown = shown(args);
    enter(name, shown);
    if (name.equals("exit")) {
      call(method, args);
      throw sim.exitCurrent((Integer) args[0]);
    }
    try {
      Object r = call(method, args);
      Class<?> type = method.getReturnType();
      if (type == int.class) {
        return (int) hooks.syscallResult(pid, name, shown, (Integer) r);
      } else if (type == long.class) {
        return hooks.syscallResult(pid, name, shown, (Long) r);
      }
      return r;
    } finally {
      leave(name);
    }
  }

  /** The kernel's implementation (or the interface's {@code -ENOSYS} default), its own throwables unwrapped. */
  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(impl, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private void enter(String syscall, List<Object> args) {
    sim.charge(CostCategory.SYSCALL, Principal.KERNEL, syscallNanos);
    shell.kernelEntry(pid, user.registers());
    sim.pollEvents();
    hooks.syscallEntry(pid, syscall, args);
  }

  /**
   * The arguments as the kernel sees them, for the hooks: numbers and strings as they are, arrays
   * copied, any other object (a forked child's program, a signal handler) only as its type's name, so
   * an attack never holds the HAP's objects. Nothing is built when no attack is installed.
   */
  private List<Object> shown(Object[] args) {
    if (args == null || args.length == 0 || !hooks.installed()) {
      return List.of();
    }
    Object[] out = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Number || a instanceof String || a instanceof Boolean || a instanceof Character) {
        out[i] = a;
      } else if (a instanceof byte[]) {
        out[i] = ((byte[]) a).clone();
      } else if (a instanceof long[]) {
        out[i] = ((long[]) a).clone();
      } else if (a instanceof int[]) {
        out[i] = ((int[]) a).clone();
      } else {
        Class<?>[] types = a == null ? new Class<?>[0] : a.getClass().getInterfaces();
        out[i] = a == null ? "null" : "<" + (types.length > 0 ? types[0].getSimpleName() : "object") + ">";
      }
    }
    return java.util.Collections.unmodifiableList(java.util.Arrays.asList(out));
  }

  private void leave(String syscall) {
    if (sim.stopping()) {
      return; // the run stopped inside this call: nothing of the exit path may run
    }
    hooks.syscallExit(pid, syscall);
    shell.kernelExit(pid, user.registers());
    returnToUser();
  }

  /** Delivers pending signals (each handler runs in user mode, then sigreturn), then checks the slice. */
  void returnToUser() {
    haltIfViolated();
    SignalDelivery d = kernel.takeSignal(pid);
    while (d != null) {
      shell.signalDelivered(pid, user.registers());
      d.handler().handle(user, d.signal());
      enter("rt_sigreturn", List.of());
      kernel.sigreturn(pid);
      shell.sigreturnExit(pid, user.registers());
      d = kernel.takeSignal(pid);
    }
    sim.checkpoint();
    // A violation raised while this process waited (by an event, or another process's exit) halts it here.
    haltIfViolated();
  }

  /** The hypervisor halted this process after a violation: it ends before it uses anything more. */
  void haltIfViolated() {
    if (shell.halted(pid)) {
      throw sim.exitCurrent(org.sego.core.hv.StrategyServices.HALT_STATUS);
    }
  }
}
