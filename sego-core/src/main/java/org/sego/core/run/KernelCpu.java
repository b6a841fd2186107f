package org.sego.core.run;

import org.sego.api.guest.CpuPort;
import org.sego.api.hw.Mmu;
import org.sego.api.sim.Principal;
import org.sego.api.sim.Program;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.sim.Simulation;

/** The kernel's CPU port: processes, scheduling, TLB maintenance and its own charges. */
final class KernelCpu implements CpuPort {
  private final Simulation sim;
  private final Mmu mmu;
  private final HypervisorShell shell;
  private final ProcessFactory processes;

  /** Creates the user context and body of a new process. */
  interface ProcessFactory {
    void spawn(int pid, long cr3, Program program);
  }

  KernelCpu(Simulation sim, Mmu mmu, HypervisorShell shell, ProcessFactory processes) {
    this.sim = sim;
    this.mmu = mmu;
    this.shell = shell;
    this.processes = processes;
  }

  @Override
  public void spawn(int pid, long cr3, Program program) {
    processes.spawn(pid, cr3, program);
  }

  @Override
  public int currentPid() {
    return sim.currentPid();
  }

  @Override
  public int currentCpu() {
    return sim.currentCpu();
  }

  @Override
  public void yield() {
    sim.yieldCurrent();
  }

  @Override
  public void block(int category) {
    sim.blockCurrent(category);
  }

  @Override
  public void wake(int pid) {
    sim.wake(pid);
  }

  @Override
  public long[] registers(int pid) {
    return shell.registersForKernel(pid, sim.registers(pid));
  }

  @Override
  public void setRegisters(int pid, long[] values) {
    shell.registersFromKernel(pid, sim.registers(pid), values);
  }

  @Override
  public void setCr3(int pid, long cr3) {
    long old = sim.cr3(pid);
    sim.setCr3(pid, cr3);
    mmu.invalidateAddressSpace(old);
  }

  @Override
  public void invalidatePage(long cr3, long gva) {
    mmu.invalidatePage(cr3, gva);
  }

  @Override
  public void invalidateAddressSpace(long cr3) {
    mmu.invalidateAddressSpace(cr3);
  }

  @Override
  public void charge(int category, long nanos) {
    sim.charge(category, Principal.KERNEL, nanos);
  }
}
