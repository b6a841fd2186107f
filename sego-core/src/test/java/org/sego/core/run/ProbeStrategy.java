package org.sego.core.run;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.sego.api.hv.EptExit;
import org.sego.api.hv.ExitAnswer;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hypercall.Caller;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.HapHypercall;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercall;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;

/**
 * A test strategy built by Guice with {@link HypervisorServices} injected, recording every call the
 * shell makes to it. The frame in {@link #watchedGfn} is denied to the OS's writes and a write to it
 * is a violation for {@link #owner}. Never a plug-in of the product.
 */
final class ProbeStrategy implements ProtectionStrategy {
  /** Every instance built, in order: a guest crash must not build another, a power failure must. */
  static final List<ProbeStrategy> BUILT = new ArrayList<>();

  record HapOnly() implements HapHypercall {
    @Override
    public String name() {
      return "probe-hap";
    }
  }

  record KernelOnly() implements KernelHypercall {
    @Override
    public String name() {
      return "probe-kernel";
    }
  }

  final HypervisorServices hv;
  final List<String> calls = new ArrayList<>();
  long watchedGfn = -1;
  /** The view every process runs in (0: the OS's). */
  int viewForAll;
  int owner = -1;
  /** Charged (category test.io) on every block request, before the device is reserved. */
  long ioChargeNanos;
  /** Requests the virtual device refuses. */
  java.util.function.Predicate<org.sego.api.hv.BlockIo> refuseIo = io -> false;
  final List<org.sego.api.hv.BlockIo> io = new ArrayList<>();

  @Inject
  ProbeStrategy(HypervisorServices hv) {
    this.hv = hv;
    BUILT.add(this);
  }

  @Override
  public String name() {
    return "probe";
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.none();
  }

  @Override
  public boolean isProtected(int pid) {
    calls.add("protected? " + pid);
    return false;
  }

  @Override
  public org.sego.api.hv.BlockIo.Answer onBlockIo(org.sego.api.hv.BlockIo io) {
    calls.add("dma " + io.firstGfn());
    this.io.add(io);
    if (ioChargeNanos > 0) {
      hv.charge(hv.category("test.io"), ioChargeNanos);
    }
    return refuseIo.test(io) ? org.sego.api.hv.BlockIo.Answer.REFUSE : org.sego.api.hv.BlockIo.Answer.PROCEED;
  }

  @Override
  public org.sego.api.guest.KernelUserWrite.Handling userWriteHandling(org.sego.api.guest.KernelUserWrite path) {
    calls.add("user-write " + path);
    return org.sego.api.guest.KernelUserWrite.Handling.DIRECT;
  }

  @Override
  public void start() {
    calls.add("start");
  }

  @Override
  public void recover() {
    calls.add("recover");
  }

  @Override
  public void guestCrashed() {
    calls.add("guest-crashed");
  }

  @Override
  public void processExited(int pid) {
    calls.add("exited " + pid);
  }

  @Override
  public int onContextSwitch(int vcpu, int pid) {
    calls.add("switch " + pid);
    return viewForAll;
  }

  @Override
  public ExitAnswer onEptExit(EptExit exit) {
    calls.add("exit " + exit.accessor() + " pid " + exit.pid() + " gfn " + exit.gfn());
    if (exit.gfn() == watchedGfn && exit.write()) {
      return owner >= 0 ? ExitAnswer.violation(owner, "write to the watched frame")
          : ExitAnswer.violation("write to the watched frame");
    }
    return ExitAnswer.DENY;
  }

  @Override
  public HypercallResult hypercall(Caller caller, Hypercall call) {
    calls.add("hypercall " + call.name() + " " + caller.mode() + " " + caller.pid());
    return new HypercallResult.Ok(caller.pid());
  }

  static PluginProvider provider() {
    return new PluginProvider() {
      @Override
      public String name() {
        return "probe";
      }

      @Override
      public PluginKind kind() {
        return PluginKind.STRATEGY;
      }

      @Override
      public String description() {
        return "test strategy with the hypervisor services";
      }

      @Override
      public com.google.inject.Module module(PluginConfig config) {
        return binder -> binder.bind(ProtectionStrategy.class).to(ProbeStrategy.class);
      }
    };
  }
}
