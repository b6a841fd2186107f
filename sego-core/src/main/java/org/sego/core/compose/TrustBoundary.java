package org.sego.core.compose;

import com.google.inject.Binding;
import com.google.inject.ConfigurationException;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.spi.ConstructorBinding;
import com.google.inject.spi.Dependency;
import com.google.inject.spi.HasDependencies;
import com.google.inject.spi.InjectionPoint;
import com.google.inject.spi.InstanceBinding;
import com.google.inject.spi.LinkedKeyBinding;
import com.google.inject.spi.ProviderInstanceBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sego.api.Experimental;
import org.sego.api.guest.GuestKernel;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hw.EptView;
import org.sego.api.hw.EptViews;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.sim.Program;
import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeFactory;

/**
 * Enforces DESIGN §2 through Guice's SPI: untrusted principals (guest kernels, programs and the
 * attacks and workloads built on them) are never built by the injector, and no class of theirs may
 * declare an injection point for a host object. A kernel that could reach physical memory would
 * make every result a fiction, so a run refuses to start when this fails.
 */
@Experimental("composition and lifecycle")
public final class TrustBoundary {
  /** Objects only the trusted side may hold. */
  public static final Set<Class<?>> HOST_TYPES = Set.of(PhysicalMemory.class, Mmu.class, EptViews.class, EptView.class,
      Volume.class, VolumeFactory.class, ProtectionStrategy.class, MappingIntents.class, Injector.class,
      org.sego.api.hv.HypervisorServices.class, org.sego.api.hv.HypervisorFrames.class,
      org.sego.api.hv.GuestProcesses.class);

  /** Types whose implementations are untrusted principals. */
  public static final Set<Class<?>> UNTRUSTED_TYPES = Set.of(GuestKernel.class, Program.class,
      org.sego.api.attack.Attack.class, org.sego.api.attack.KernelHooks.class);

  private TrustBoundary() {}

  private static final Set<String> HOST_CLASS_NAMES = Set.of("org.sego.core.hv.HypervisorShell",
      "org.sego.core.hv.VolumeSet", "org.sego.core.sim.Simulation", "org.sego.core.hv.StrategyServices");

  static boolean isHost(Class<?> c) {
    for (Class<?> h : HOST_TYPES) {
      if (h.isAssignableFrom(c)) {
        return true;
      }
    }
    return HOST_CLASS_NAMES.contains(c.getName());
  }

  static boolean isUntrusted(Class<?> c) {
    for (Class<?> u : UNTRUSTED_TYPES) {
      if (u.isAssignableFrom(c)) {
        return true;
      }
    }
    return false;
  }

  /** Problems of the injector: every binding that builds or hands out an untrusted principal. */
  public static List<String> check(Injector injector) {
    List<String> problems = new ArrayList<>();
    for (Binding<?> b : injector.getAllBindings().values()) {
      Class<?> keyType = b.getKey().getTypeLiteral().getRawType();
      Class<?> built = builtClass(b);
      for (Class<?> c : new Class<?>[] {keyType, built}) {
        if (c != null && isUntrusted(c)) {
          problems.add("binding " + b.getKey() + " (" + b.getSource() + ") makes the injector build untrusted "
              + c.getName() + "; untrusted principals get their ports from the run orchestrator, never from Guice");
          break;
        }
      }
      if (built != null && isUntrusted(built) && b instanceof HasDependencies) {
        for (Dependency<?> d : ((HasDependencies) b).getDependencies()) {
          if (isHost(d.getKey().getTypeLiteral().getRawType())) {
            problems.add("untrusted " + built.getName() + " has an injection point for host object " + d.getKey());
          }
        }
      }
    }
    return problems;
  }

  /** Problems of an untrusted class: any injection point (constructor, field, method) for a host object. */
  public static List<String> checkUntrusted(Class<?> untrusted) {
    List<String> problems = new ArrayList<>();
    List<InjectionPoint> points = new ArrayList<>();
    try {
      points.add(InjectionPoint.forConstructorOf(untrusted));
    } catch (ConfigurationException e) {
      // No @Inject constructor: nothing Guice could fill.
    }
    try {
      points.addAll(InjectionPoint.forInstanceMethodsAndFields(untrusted));
      points.addAll(InjectionPoint.forStaticMethodsAndFields(untrusted));
    } catch (ConfigurationException e) {
      problems.add("untrusted " + untrusted.getName() + " has malformed injection points: " + e.getMessage());
    }
    for (InjectionPoint p : points) {
      for (Dependency<?> d : p.getDependencies()) {
        if (isHost(d.getKey().getTypeLiteral().getRawType())) {
          problems.add("untrusted " + untrusted.getName() + " declares an injection point for host object "
              + d.getKey() + " at " + p.getMember());
        }
      }
    }
    return problems;
  }

  public static void verify(Injector injector) {
    List<String> problems = check(injector);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("trust boundary violated:\n  " + String.join("\n  ", problems));
    }
  }

  public static void verifyUntrusted(Class<?> untrusted) {
    List<String> problems = checkUntrusted(untrusted);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("trust boundary violated:\n  " + String.join("\n  ", problems));
    }
  }

  private static Class<?> builtClass(Binding<?> b) {
    if (b instanceof ConstructorBinding) {
      return ((ConstructorBinding<?>) b).getConstructor().getDeclaringType().getRawType();
    }
    if (b instanceof InstanceBinding) {
      Object i = ((InstanceBinding<?>) b).getInstance();
      return i == null ? null : i.getClass();
    }
    if (b instanceof LinkedKeyBinding) {
      Key<?> k = ((LinkedKeyBinding<?>) b).getLinkedKey();
      return k.getTypeLiteral().getRawType();
    }
    if (b instanceof ProviderInstanceBinding) {
      return ((ProviderInstanceBinding<?>) b).getUserSuppliedProvider().getClass();
    }
    return null;
  }
}
