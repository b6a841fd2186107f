package org.sego.core.run;

import org.sego.api.guest.GuestKernel;
import org.sego.api.hypercall.Hypercalls;
import org.sego.api.hv.EptExit;
import org.sego.api.hw.EptView;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.sim.SimProcess;
import org.sego.core.sim.Simulation;

/**
 * A process's view of the machine: every access is translated by the MMU (TLB, page walk, EPT);
 * a page fault enters the guest kernel synchronously, an EPT violation the hypervisor. The path of
 * a TLB hit allocates nothing and calls no strategy.
 */
final class ProcessContext implements UserContext {
  /** Faults on one access before the process is killed: a kernel that never resolves it. */
  private static final int MAX_FAULTS_PER_ACCESS = 8;

  private final int pid;
  private final Simulation sim;
  private final Mmu mmu;
  private final PhysicalMemory memory;
  private final HypervisorShell shell;
  private final GuestKernel kernel;
  private final SyscallGate syscalls;
  private final long walkStepNanos;
  private final long pageFaultNanos;
  private final long opsPerMicro;
  private final long copyNanosPerPage;
  private final org.sego.api.sim.StatsSink.Counter faults;
  private SimProcess process;
  private final Hypercalls hypercalls;
  private long seenWalkSteps;
  private long opRemainder;

  ProcessContext(int pid, Simulation sim, Mmu mmu, PhysicalMemory memory, HypervisorShell shell, GuestKernel kernel,
      RunCosts costs, DelegatingHooks hooks) {
    this.pid = pid;
    this.sim = sim;
    this.mmu = mmu;
    this.memory = memory;
    this.shell = shell;
    this.kernel = kernel;
    this.walkStepNanos = costs.walkStepNanos();
    this.pageFaultNanos = costs.pageFaultNanos();
    this.opsPerMicro = costs.opsPerMicro();
    this.copyNanosPerPage = costs.copyPageNanos();
    this.faults = sim.stats().counter("system.cpu.page-faults", "faults", "page faults delivered to the guest kernel");
    this.syscalls = new SyscallGate(pid, sim, shell, kernel, this, costs.syscallNanos(), hooks);
    this.hypercalls = shell.processPort(pid);
  }

  /** Attaches the simulation's process, once spawned: the hot path reads its CR3 and registers directly. */
  void bind(SimProcess p) {
    this.process = p;
  }

  /** Translates for {@code access}, resolving faults through the kernel or the hypervisor; returns the hpa. */
  private long translate(long gva, int access) {
    int a = access | X86.ACCESS_USER;
    for (int attempt = 0; attempt < MAX_FAULTS_PER_ACCESS; attempt++) {
      EptView view = shell.currentView();
      long r = mmu.translate(process.cr3(), view, gva, a);
      long steps = mmu.walkSteps();
      if (steps != seenWalkSteps) {
        sim.charge(CostCategory.MEM_WALK, Principal.USER, (steps - seenWalkSteps) * walkStepNanos);
        seenWalkSteps = steps;
      }
      if (!Translation.isFault(r)) {
        return r;
      }
      if (Translation.kind(r) == Translation.KIND_PAGE_FAULT) {
        sim.charge(CostCategory.PAGE_FAULT, Principal.KERNEL, pageFaultNanos);
        faults.add(1);
        if (sim.trace().on) {
          sim.trace().record(sim.nowNanos(), sim.currentCpu(), "system.guest", "page-fault",
              java.util.Map.of("pid", pid, "gva", gva, "code", Translation.code(r)));
        }
        shell.kernelEntry(pid, process.registers());
        boolean retry;
        try {
          retry = kernel.pageFault(pid, gva, Translation.code(r));
        } finally {
          if (!sim.stopping()) {
            shell.kernelExit(pid, process.registers()); // not while unwinding a stopped run
          }
        }
        if (!retry) {
          throw sim.exitCurrent(128 + 11);
        }
        syscalls.returnToUser();
      } else if (!shell.eptViolation(new EptExit(EptExit.Accessor.USER, pid, process.cr3(), gva, Translation.frame(r),
          Translation.code(r), view))) {
        // The hypervisor denied the process's own access, or halted it after a violation: it cannot go on.
        syscalls.haltIfViolated();
        throw sim.exitCurrent(128 + 11);
      } else {
        syscalls.haltIfViolated();
      }
    }
    throw sim.exitCurrent(128 + 11);
  }

  @Override
  public long load64(long gva) {
    if ((gva & X86.PAGE_MASK) > X86.PAGE_SIZE - 8) {
      byte[] b = new byte[8];
      read(gva, b, 0, 8);
      return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }
    return memory.load64(translate(gva, X86.ACCESS_READ));
  }

  @Override
  public void store64(long gva, long value) {
    if ((gva & X86.PAGE_MASK) > X86.PAGE_SIZE - 8) {
      byte[] b = new byte[8];
      java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(value);
      write(gva, b, 0, 8);
      return;
    }
    memory.store64(translate(gva, X86.ACCESS_WRITE), value);
  }

  @Override
  public byte load8(long gva) {
    return memory.load8(translate(gva, X86.ACCESS_READ));
  }

  @Override
  public void store8(long gva, byte value) {
    memory.store8(translate(gva, X86.ACCESS_WRITE), value);
  }

  @Override
  public void read(long gva, byte[] dst, int off, int len) {
    chargeCopy(len);
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gva & X86.PAGE_MASK));
      memory.read(translate(gva, X86.ACCESS_READ), dst, off, n);
      gva += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void write(long gva, byte[] src, int off, int len) {
    chargeCopy(len);
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gva & X86.PAGE_MASK));
      memory.write(translate(gva, X86.ACCESS_WRITE), src, off, n);
      gva += n;
      off += n;
      len -= n;
    }
  }

  private void chargeCopy(int len) {
    sim.charge(CostCategory.COPY, Principal.USER, (copyNanosPerPage * len + X86.PAGE_SIZE - 1) / X86.PAGE_SIZE);
  }

  @Override
  public Syscalls syscalls() {
    return syscalls.syscalls();
  }

  @Override
  public void compute(long ops) {
    // Carry the sub-nanosecond remainder so many small charges add up exactly.
    long total = ops * 1000 + opRemainder;
    sim.charge(CostCategory.COMPUTE, Principal.USER, total / opsPerMicro);
    opRemainder = total % opsPerMicro;
  }

  @Override
  public long[] registers() {
    return process.registers();
  }

  @Override
  public Hypercalls hypercalls() {
    return hypercalls;
  }

  @Override
  public int pid() {
    return pid;
  }
}
