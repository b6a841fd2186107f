package org.sego.core.run;

import org.sego.api.attack.KernelHooks;

/** The hooks a kernel is built with: honest until the judge installs an attack's hooks. */
final class DelegatingHooks implements KernelHooks {
  private KernelHooks target = KernelHooks.NONE;
  private AdversaryLog log;
  private org.sego.core.sim.Simulation sim;

  /** Installs attack hooks; what they change through return values is logged like any adversary operation. */
  void install(KernelHooks hooks, AdversaryLog log, org.sego.core.sim.Simulation sim) {
    this.target = hooks;
    this.log = log;
    this.sim = sim;
  }

  @Override
  public void syscallEntry(int pid, String syscall) {
    target.syscallEntry(pid, syscall);
  }

  @Override
  public void syscallExit(int pid, String syscall) {
    target.syscallExit(pid, syscall);
  }

  @Override
  public long syscallResult(int pid, String syscall, long result) {
    long r = target.syscallResult(pid, syscall, result);
    if (r != result && log != null) {
      log.add(sim.nowNanos(), "fake-syscall-result", "pid " + pid + " " + syscall, true, result + " became " + r, null);
    }
    return r;
  }

  @Override
  public boolean blockSubmit(String device, long block, boolean write) {
    boolean submit = target.blockSubmit(device, block, write);
    if (!submit && log != null) {
      log.add(sim.nowNanos(), "drop-io", device + " block " + block, true, (write ? "write" : "read") + " dropped", null);
    }
    return submit;
  }

  @Override
  public long swapIn(int pid, long vpn, long slot) {
    long s = target.swapIn(pid, vpn, slot);
    if (s != slot && log != null) {
      log.add(sim.nowNanos(), "redirect-io", "swap slot " + slot, true, "read slot " + s + " instead", null);
    }
    return s;
  }

  @Override
  public void blockComplete(String device, long block, boolean write, int status) {
    target.blockComplete(device, block, write, status);
  }

  @Override
  public void tick(long nowNanos) {
    target.tick(nowNanos);
  }

  @Override
  public void swappedOut(int pid, long vpn, long slot) {
    target.swappedOut(pid, vpn, slot);
  }


  @Override
  public void reclaim(long gfn) {
    target.reclaim(gfn);
  }

  @Override
  public void pageTableUpdate(int pid, long gva) {
    target.pageTableUpdate(pid, gva);
  }
}
