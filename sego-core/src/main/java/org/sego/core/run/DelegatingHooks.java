package org.sego.core.run;

import org.sego.api.attack.KernelHooks;

/** The hooks a kernel is built with: honest until the judge installs an attack's hooks. */
final class DelegatingHooks implements KernelHooks {
  private KernelHooks target = KernelHooks.NONE;

  void install(KernelHooks hooks) {
    this.target = hooks;
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
    return target.syscallResult(pid, syscall, result);
  }

  @Override
  public boolean blockSubmit(String device, long block, boolean write) {
    return target.blockSubmit(device, block, write);
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
  public long swapIn(int pid, long vpn, long slot) {
    return target.swapIn(pid, vpn, slot);
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
