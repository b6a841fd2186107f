package org.sego.core.run;

import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.KernelPorts;
import org.sego.api.hw.X86;
import org.sego.api.sim.Program;
import org.sego.api.posix.Syscalls;
import org.sego.support.Memory64;
import org.sego.support.PageTableWriter;

/**
 * A tiny guest kernel for tests (not a plug-in): demand-maps zeroed pages on a not-present fault,
 * services getpid, yield, time and exit, and touches memory only through its ports.
 */
final class TestKernel implements GuestKernel {
  private final KernelPorts ports;
  private final PageTableWriter tables;
  private long nextFrame = 16;
  private int nextPid = 1;
  private final java.util.Map<Integer, Long> roots = new java.util.TreeMap<>();
  final java.util.Map<Integer, Integer> exitStatus = new java.util.TreeMap<>();
  /** The registers the kernel saw at the last getpid. */
  long[] registersSeen;

  TestKernel(KernelPorts ports) {
    this.ports = ports;
    Memory64 phys = new Memory64() {
      @Override
      public long load64(long gpa) {
        return ports.memory().load64(gpa);
      }

      @Override
      public void store64(long gpa, long value) {
        ports.memory().store64(gpa, value);
      }
    };
    this.tables = new PageTableWriter(phys, this::zeroedFrame);
  }

  private long zeroedFrame() {
    long f = nextFrame++;
    ports.memory().zeroFrame(f);
    return f;
  }

  @Override
  public void boot() {
    ports.cpu().charge(org.sego.api.sim.CostCategory.COMPUTE, 1_000);
  }

  @Override
  public int start(Program program) {
    int pid = nextPid++;
    long cr3 = zeroedFrame() << X86.PAGE_SHIFT;
    roots.put(pid, cr3);
    ports.cpu().spawn(pid, cr3, program);
    return pid;
  }

  @Override
  public boolean pageFault(int pid, long gva, int errorCode) {
    if ((errorCode & X86.PF_P) != 0) {
      return false;
    }
    tables.map4k(roots.get(pid), X86.pageBase(gva), zeroedFrame(), X86.PTE_RW | X86.PTE_US | X86.PTE_NX);
    return true;
  }

  @Override
  public Syscalls syscalls(int pid) {
    return new Syscalls() {
      @Override
      public int getpid() {
        registersSeen = ports.cpu().registers(pid).clone();
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

  @Override
  public void exited(int pid, int status) {
    exitStatus.put(pid, status);
  }
}
