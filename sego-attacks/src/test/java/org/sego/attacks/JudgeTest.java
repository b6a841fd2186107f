package org.sego.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.hv.BlockIo;
import org.sego.api.hv.Check;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecException;
import org.sego.core.compose.SpecValidator;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;

/**
 * The judge: every outcome and the precedence between them, with test strategies and test attacks
 * built for it; baselines; and the judge's ownership of what it judges.
 */
class JudgeTest {
  /** A test strategy: none's behaviour plus what {@code make} adds, given the run's hypervisor services. */
  static PluginProvider strategy(String name, ParameterSchema schema,
      BiFunction<HypervisorServices, Parameters, ProtectionStrategy> make) {
    return new PluginProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public PluginKind kind() {
        return PluginKind.STRATEGY;
      }

      @Override
      public String description() {
        return "test strategy " + name;
      }

      @Override
      public ParameterSchema parameters() {
        return schema;
      }

      @Override
      public com.google.inject.Module module(PluginConfig config) {
        return binder -> {
          var hv = binder.getProvider(HypervisorServices.class);
          binder.bind(ProtectionStrategy.class).toProvider(
              (com.google.inject.Provider<ProtectionStrategy>) () -> make.apply(hv.get(), config.parameters()));
        };
      }
    };
  }

  /** A strategy that protects nothing and answers adversary block I/O as {@code onAdversaryIo} says. */
  static ProtectionStrategy plain(String name, Function<BlockIo, BlockIo.Answer> onAdversaryIo, Runnable onExit) {
    return new ProtectionStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Capabilities capabilities() {
        return Capabilities.none();
      }

      @Override
      public BlockIo.Answer onBlockIo(BlockIo io) {
        return io.adversary() ? onAdversaryIo.apply(io) : BlockIo.Answer.PROCEED;
      }

      @Override
      public void processExited(int pid) {
        onExit.run();
      }

      @Override
      public List<Check> checks() {
        return name.equals("test-checked") ? List.of(new Check("adversary-io", "check-adversary-io",
            "raise a violation on the adversary's raw I/O")) : List.of();
      }
    };
  }

  static final List<PluginProvider> TEST_STRATEGIES = List.of(
      // Raises a violation at every process exit: the twin too.
      strategy("test-alarm", ParameterSchema.EMPTY, (hv, p) -> plain("test-alarm", io -> BlockIo.Answer.PROCEED,
          () -> hv.violation(-1, "test alarm at exit"))),
      // Raises a violation when the adversary does raw I/O, and lets it through.
      strategy("test-detect", ParameterSchema.EMPTY, (hv, p) -> plain("test-detect", io -> {
        hv.violation(-1, "adversary I/O on " + io.device());
        return BlockIo.Answer.PROCEED;
      }, () -> {})),
      // Refuses the adversary's raw I/O, and raises nothing.
      strategy("test-refuse", ParameterSchema.EMPTY, (hv, p) -> plain("test-refuse", io -> BlockIo.Answer.REFUSE,
          () -> {})),
      // Notices the adversary's raw I/O, but raises the violation only when the victim has ended.
      strategy("test-late", ParameterSchema.EMPTY, (hv, p) -> {
        boolean[] seen = {false};
        return plain("test-late", io -> {
          seen[0] = true;
          return BlockIo.Answer.PROCEED;
        }, () -> {
          if (seen[0]) {
            hv.violation(-1, "adversary I/O noticed at exit");
          }
        });
      }),
      // test-detect's check, switched by a parameter (so an attack can target it).
      strategy("test-checked", ParameterSchema.of(Parameter.bool("check-adversary-io", true, "the check")),
          (hv, p) -> plain("test-checked", io -> {
            if (p.bool("check-adversary-io")) {
              hv.violation(-1, "adversary I/O on " + io.device());
            }
            return BlockIo.Answer.PROCEED;
          }, () -> {})));

  static final PluginRegistry REGISTRY = registry(List.of());

  static PluginRegistry registry(List<PluginProvider> extra) {
    List<PluginProvider> all = new ArrayList<>(PluginRegistry.discover().all());
    all.addAll(TEST_STRATEGIES);
    all.addAll(extra);
    return new PluginRegistry(all);
  }

  /** A test attack on {@code secret-pages} (64 pages) that acts once, at the victim's first round. */
  static AttackProvider atFirstRound(String name, java.util.function.Consumer<AdversaryOps> action) {
    return attack(name, (p, seed) -> VictimAttack.onceAtFirstRound(action));
  }

  static AttackProvider attack(String name, BiFunction<Parameters, Long, Attack> create) {
    return TestAttack.onPages(name, create);
  }

  static AttackResult judge(String strategy, AttackProvider a) {
    return new Judge(REGISTRY).judge(Judge.defaultSystem(strategy, 7), a, params(a), null);
  }

  static AttackResult judgeWithBaseline(String strategy, AttackProvider a) {
    return new Judge(REGISTRY).judgeWithBaseline(Judge.defaultSystem(strategy, 7), java.nio.file.Path.of(""), a, params(a),
        null);
  }

  static Parameters params(AttackProvider a) {
    return new SpecValidator(REGISTRY).resolveParameters("attack", a, Map.of());
  }

  /** The frame of the victim's {@code i}-th lowest resident page. */
  static long victimFrame(AdversaryOps ops, int i) {
    long gva = VictimAttack.victimPages(ops, i + 1)[i];
    return VictimAttack.frameOf(ops.readPte(ops.victimPid(), gva));
  }

  static final AttackProvider READ = atFirstRound("test-read", ops -> ops.readFrame(victimFrame(ops, 0)));
  static final AttackProvider WRITE = atFirstRound("test-write", ops -> ops.writeFrame(victimFrame(ops, 0), new byte[4096]));
  static final AttackProvider READ_AND_WRITE = atFirstRound("test-read-write", ops -> {
    ops.writeFrame(victimFrame(ops, 1), new byte[4096]);
    ops.readFrame(victimFrame(ops, 0));
  });
  /** Raw adversary I/O (noticed by the test strategies), then a write of a HAP frame. */
  static final AttackProvider IO_THEN_WRITE = atFirstRound("test-io-then-write", ops -> {
    ops.writeBlock("swap", 7, new byte[4096]);
    ops.writeFrame(victimFrame(ops, 0), new byte[4096]);
  });
  /** A raw write of a swap block nothing ever reads: an effect on nothing the HAP can reach. */
  static final AttackProvider USELESS_IO = atFirstRound("test-useless-io", ops -> ops.writeBlock("swap", 7, new byte[4096]));

  // ---- every outcome, and the precedence ------------------------------------------------------------

  @Test
  void aTwinsViolationIsAFalseAlarmWhateverTheAttackShows() {
    AttackResult r = judge("test-alarm", READ);
    assertEquals(Outcome.FALSE_ALARM, r.outcome(), r.evidence().toString());
    assertTrue(r.evidence().get(0).contains("test alarm at exit"), r.evidence().toString());
    assertTrue(r.failed());
  }

  @Test
  void aCanaryObservedIsLeakedEvenWhenTheOutputAlsoDiverged() {
    AttackResult r = judge("none", READ_AND_WRITE);
    assertEquals(Outcome.LEAKED, r.outcome(), r.evidence().toString());
    assertNotEquals(r.twinRun().output(), r.attackRun().output(), "the write corrupted the output too");
    assertEquals(Outcome.CORRUPTED, judge("none", WRITE).outcome());
  }

  @Test
  void aViolationBeforeFirstUseIsDetected() {
    AttackResult onlyIo = judge("test-detect", USELESS_IO);
    assertEquals(Outcome.DETECTED, onlyIo.outcome(), onlyIo.evidence().toString());
    AttackResult r = judge("test-detect", IO_THEN_WRITE);
    assertEquals(Outcome.DETECTED, r.outcome(), r.evidence().toString());
    assertTrue(r.evidence().get(0).contains("before the HAP used the diverging value"), r.evidence().toString());
  }

  @Test
  void aViolationRaisedAfterTheHapUsedTheDivergingDataIsCorrupted() {
    AttackResult r = judge("test-late", IO_THEN_WRITE);
    assertEquals(Outcome.CORRUPTED, r.outcome(), r.evidence().toString());
    assertTrue(r.evidence().stream().anyMatch(e -> e.contains("after the HAP used the diverging value")), r.evidence().toString());
    assertFalse(r.attackRun().violations().isEmpty(), "the late violation is in the record");
  }

  @Test
  void aRefusedOperationIsPreventedWithTheRefusalAsEvidence() {
    AttackResult r = judge("test-refuse", USELESS_IO);
    assertEquals(Outcome.PREVENTED, r.outcome(), r.evidence().toString());
    assertTrue(r.evidence().get(0).contains("refused by the virtual device"), r.evidence().toString());
  }

  @Test
  void anAttackThatNeverActsIsNotAttempted() {
    AttackResult r = judge("none", attack("test-idle", (p, s) -> (ops, benign) -> KernelHooks.NONE));
    assertEquals(Outcome.NOT_ATTEMPTED, r.outcome(), r.evidence().toString());
  }

  // ---- baselines -------------------------------------------------------------------------------------

  @Test
  void anAttackThatIsNotLeakedOrCorruptedUnderNoneProvesNothing() {
    AttackResult underNone = judgeWithBaseline("none", USELESS_IO);
    assertEquals(Outcome.PREVENTED, underNone.outcome(), "a plain attack that achieves nothing under none");
    assertTrue(underNone.provesNothing());
    assertTrue(underNone.failed());
    assertEquals("none", underNone.baseline().orElseThrow().system());
    AttackResult refused = judgeWithBaseline("test-refuse", USELESS_IO);
    assertEquals(Outcome.PREVENTED, refused.outcome());
    assertTrue(refused.provesNothing(), "its PREVENTED means nothing: it was PREVENTED under none too");
    AttackResult read = judgeWithBaseline("test-refuse", AttacksTest.attack("read-hap-page"));
    assertEquals(Outcome.LEAKED, read.baseline().orElseThrow().outcome());
    assertFalse(read.provesNothing());
    assertFalse(read.failed());
  }

  @Test
  void anAttackOnAStrategysOwnCheckHasThatStrategyWithTheCheckOffAsItsBaseline() {
    AttackProvider targeted = TestAttack.onPages("test-targeted", IO_THEN_WRITE::create).targeting("adversary-io");
    AttackResult r = judgeWithBaseline("test-checked", targeted);
    assertEquals(Outcome.DETECTED, r.outcome(), r.evidence().toString());
    assertEquals("test-checked with check-adversary-io off", r.baseline().orElseThrow().system());
    assertEquals(Outcome.CORRUPTED, r.baseline().orElseThrow().outcome());
    assertFalse(r.provesNothing());
    SpecException e = assertThrows(SpecException.class, () -> judgeWithBaseline("test-refuse", targeted));
    assertTrue(e.getMessage().contains("declares no such check"), e.getMessage());
  }

  @Test
  void anIntegrityAttackThatOnlyLeaksProvesNothingForIntegrity() {
    AttackResult r = judgeWithBaseline("none", READ); // READ's property is integrity, but it only reads
    assertEquals(Outcome.LEAKED, r.outcome());
    assertFalse(r.propertyViolated());
    assertTrue(r.provesNothing(), "reading plaintext violates no integrity claim");
  }
}
