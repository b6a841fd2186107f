package org.sego.examples.watch;

import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Attack;
import org.sego.api.attack.Canaries;
import org.sego.api.attack.KernelHooks;
import org.sego.api.hap.HapProgram;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;

/**
 * A probe of the {@code watch} strategy's lifecycle and its own hypercall, as an attack: at the
 * victim's first system call the kernel sends the HAP's {@code watch-frames} hypercall in the HAP's
 * name (the hypervisor refuses it: it came on the kernel's port), then crashes the machine. The
 * victim asks the hypervisor how many frames it has watched and emits the answer in each boot:
 * after a guest crash the count goes on from the first boot (the strategy survived), after a power
 * failure it starts again (a fresh instance).
 */
public final class WatchProbeAttack extends AttackProvider {
  static final int PAGES = 8;

  @Override
  public String name() {
    return "watch-probe";
  }

  @Override
  public String description() {
    return "Example: forges the watch strategy's HAP hypercall from the kernel, then crashes (guest, or power with power = true)";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(Parameter.bool("power", false, "crash by power failure instead of a guest crash"));
  }

  @Override
  public String property() {
    return "integrity";
  }

  @Override
  public long secretPages(Parameters parameters) {
    return PAGES;
  }

  @Override
  public HapProgram victim(Parameters parameters, long seed) {
    return t -> {
      var u = t.user();
      Canaries canaries = new Canaries(seed, PAGES);
      long base = t.allocateSecure(PAGES * 4096L);
      byte[] page = new byte[4096];
      for (int i = 0; i < PAGES; i++) {
        canaries.fill(page, i, 0);
        u.write(base + i * 4096L, page, 0, page.length);
      }
      t.syscalls().clockNanos();
      HypercallResult r = u.hypercalls().call(new WatchStrategy.WatchedFrames());
      t.emit("watched", r instanceof HypercallResult.Ok ? ((HypercallResult.Ok) r).value() : -1);
      t.syscalls().exit(0);
    };
  }

  @Override
  public Attack create(Parameters parameters, long seed) {
    boolean power = parameters.bool("power");
    return (AdversaryOps ops, boolean benign) -> new KernelHooks() {
      @Override
      public void syscallEntry(int pid, String syscall) {
        if (benign || ops.boot() > 0 || pid != ops.victimPid() || !syscall.equals("clockNanos")) {
          return;
        }
        HypercallResult r = ops.hypercall(new WatchStrategy.WatchedFrames());
        ops.note("the kernel's watch-frames in the HAP's name: " + r);
        ops.crash(power);
      }
    };
  }
}
