package org.sego.attacks;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.sego.api.attack.Attack;
import org.sego.api.attack.Victim;
import org.sego.api.hv.Claim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;

/** A test attack put together from its parts; the victim's defaults unless told otherwise. */
final class TestAttack extends AttackProvider {
  private final String name;
  private final BiFunction<Parameters, Long, Attack> create;
  private Victim victim;
  private Map<String, Object> guest = Map.of();
  private String property = "integrity";
  private Claim.Adversary adversary = Claim.Adversary.GUEST_OS;
  private Optional<String> check = Optional.empty();

  private TestAttack(String name, Victim victim, BiFunction<Parameters, Long, Attack> create) {
    this.name = name;
    this.victim = victim;
    this.create = create;
  }

  /** On {@code secret-pages} (64 pages, 6 rounds). */
  static TestAttack onPages(String name, BiFunction<Parameters, Long, Attack> create) {
    return new TestAttack(name, Victim.of("secret-pages"), create);
  }

  /** On {@code secret-files} (two files of 4 pages, 4 rounds) with the file attacks' file system on {@code disk}. */
  static TestAttack onFiles(String name, BiFunction<Parameters, Long, Attack> create) {
    return new TestAttack(name, Victim.of("secret-files"), create).guest(Map.of("fs-device", FileAttack.DISK));
  }

  TestAttack victim(Victim v) {
    this.victim = v;
    return this;
  }

  TestAttack guest(Map<String, Object> parameters) {
    this.guest = parameters;
    return this;
  }

  TestAttack property(String p) {
    this.property = p;
    return this;
  }

  TestAttack adversary(Claim.Adversary a) {
    this.adversary = a;
    return this;
  }

  TestAttack targeting(String checkName) {
    this.check = Optional.of(checkName);
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "test attack " + name;
  }

  @Override
  public String property() {
    return property;
  }

  @Override
  public Attack create(Parameters parameters, long seed) {
    return create.apply(parameters, seed);
  }

  @Override
  public Victim victim(Parameters parameters) {
    return victim;
  }

  @Override
  public Claim.Adversary adversary() {
    return adversary;
  }

  @Override
  public Optional<String> targetedCheck() {
    return check;
  }

  @Override
  public Map<String, Object> guestParameters(Parameters parameters) {
    return guest;
  }
}
