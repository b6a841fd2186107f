package org.sego.core.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hv.EptExit;
import org.sego.api.hv.ExitAnswer;
import org.sego.api.hypercall.Caller;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;
import org.sego.core.compose.PluginRegistry;

/**
 * A test strategy that asks the shell for everything it can do: register scrubbing for one pid,
 * DMA mediation (refusing one frame), hypercalls, EPT violations. Never a plug-in of the product.
 */
final class GuardStrategy implements ProtectionStrategy {
  static final long REFUSED_DMA_GFN = 300;
  final List<String> calls = new ArrayList<>();
  final List<Long> violations = new ArrayList<>();

  record Ping() implements Hypercall {
    @Override
    public String name() {
      return "ping";
    }
  }

  record Forge() implements Hypercall {
    @Override
    public String name() {
      return "forge";
    }
  }

  @Override
  public String name() {
    return "guard";
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.of(Capabilities.SWAP);
  }

  @Override
  public boolean isProtected(int pid) {
    return pid == 1;
  }

  @Override
  public HypercallResult hypercall(Caller caller, Hypercall call) {
    calls.add(call.name() + " from " + caller.pid());
    if (call instanceof Ping) {
      return new HypercallResult.Ok(42);
    }
    return new HypercallResult.Violation("forged by " + caller.pid());
  }

  @Override
  public org.sego.api.hv.BlockIo.Answer onBlockIo(org.sego.api.hv.BlockIo io) {
    boolean touches = io.firstGfn() <= REFUSED_DMA_GFN && REFUSED_DMA_GFN < io.firstGfn() + io.count();
    return touches ? org.sego.api.hv.BlockIo.Answer.REFUSE : org.sego.api.hv.BlockIo.Answer.PROCEED;
  }

  @Override
  public ExitAnswer onEptExit(EptExit exit) {
    violations.add(exit.gfn());
    return ExitAnswer.DENY;
  }

  /** A registry of the real plug-ins plus a provider of {@code strategy}. */

  static PluginRegistry registryWith(GuardStrategy strategy) {
    List<PluginProvider> all = new ArrayList<>(PluginRegistry.discover().all());
    all.add(new PluginProvider() {
      @Override
      public String name() {
        return "guard";
      }

      @Override
      public PluginKind kind() {
        return PluginKind.STRATEGY;
      }

      @Override
      public String description() {
        return "test strategy";
      }

      @Override
      public com.google.inject.Module module(PluginConfig config) {
        return binder -> binder.bind(ProtectionStrategy.class).toInstance(strategy);
      }
    });
    return new PluginRegistry(all);
  }
}
