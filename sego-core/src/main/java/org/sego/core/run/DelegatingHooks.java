package org.sego.core.run;

import java.util.List;
import org.sego.api.attack.KernelHooks;
import org.sego.core.sim.Simulation;

/**
 * The hooks a kernel is built with: honest until the judge installs an attack's hooks. What the
 * attack changes through return values is logged like any adversary operation, and a crash the
 * adversary asked for ends the boot when its hook returns, whatever the hook caught.
 */
final class DelegatingHooks implements KernelHooks {
  private KernelHooks target = KernelHooks.NONE;
  private AdversaryLog log;
  private Simulation sim;

  /** Installs attack hooks; what they change through return values is logged like any adversary operation. */
  void install(KernelHooks hooks, AdversaryLog log, Simulation sim) {
    this.target = hooks;
    this.log = log;
    this.sim = sim;
  }

  /** Whether attack hooks are installed (the block queue skips its bookkeeping otherwise). */
  boolean installed() {
    return log != null;
  }

  /** After every hook: a crash requested in it ends the boot here, even if the hook caught the stop. */
  private void after() {
    if (sim != null && sim.crashed()) {
      throw sim.crashNow();
    }
  }

  @Override
  public void syscallEntry(int pid, String syscall) {
    syscallEntry(pid, syscall, List.of());
  }

  @Override
  public long syscallResult(int pid, String syscall, long result) {
    return syscallResult(pid, syscall, List.of(), result);
  }

  @Override
  public void syscallEntry(int pid, String syscall, List<Object> args) {
    target.syscallEntry(pid, syscall, args);
    after();
  }

  @Override
  public void syscallExit(int pid, String syscall) {
    target.syscallExit(pid, syscall);
    after();
  }

  @Override
  public long syscallResult(int pid, String syscall, List<Object> args, long result) {
    long r = target.syscallResult(pid, syscall, args, result);
    after();
    if (r != result && log != null) {
      log.add(sim.nowNanos(), "fake-syscall-result", "pid " + pid + " " + syscall, true, result + " became " + r, null);
    }
    return r;
  }

  @Override
  public boolean blockSubmit(String device, long block, boolean write) {
    boolean submit = target.blockSubmit(device, block, write);
    after();
    if (!submit && log != null) {
      log.add(sim.nowNanos(), "drop-io", device + " block " + block, true, (write ? "write" : "read") + " dropped", null);
    }
    return submit;
  }

  @Override
  public long swapIn(int pid, long vpn, long slot) {
    long s = target.swapIn(pid, vpn, slot);
    after();
    if (s != slot && log != null) {
      log.add(sim.nowNanos(), "redirect-io", "swap slot " + slot, true, "read slot " + s + " instead", null);
    }
    return s;
  }

  @Override
  public void blockComplete(String device, long block, boolean write, int status) {
    target.blockComplete(device, block, write, status);
    after();
  }

  @Override
  public void tick(long nowNanos) {
    target.tick(nowNanos);
    after();
  }

  @Override
  public void swappedOut(int pid, long vpn, long slot) {
    target.swappedOut(pid, vpn, slot);
    after();
  }

  @Override
  public void reclaim(long gfn) {
    target.reclaim(gfn);
    after();
  }

  @Override
  public void pageTableUpdate(int pid, long gva) {
    target.pageTableUpdate(pid, gva);
    after();
  }

  @Override
  public void pageCacheLookup(String device, long block, boolean hit) {
    target.pageCacheLookup(device, block, hit);
    after();
  }

  @Override
  public void writeBack(String device, long block) {
    target.writeBack(device, block);
    after();
  }

  @Override
  public void fsyncBegin(int pid, long inode) {
    target.fsyncBegin(pid, inode);
    after();
  }

  @Override
  public void fsyncEnd(int pid, long inode, int status) {
    target.fsyncEnd(pid, inode, status);
    after();
  }

  @Override
  public void journalCommit(String device, long sequence) {
    target.journalCommit(device, sequence);
    after();
  }
}
