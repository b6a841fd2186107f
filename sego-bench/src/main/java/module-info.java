/**
 * JMH benchmarks of host-side speed: translation on a TLB hit and a miss, frame access, the crypto
 * primitives whose figures the {@code modern} cost profile gives, and the page round trip (fault,
 * swap-in, swap-out) beside a 4 KiB copy. JMH runs
 * them on the class path (it forks JVMs with a class path): {@code ./sego bench}.
 */
module org.sego.bench {
  requires org.sego.core;
  requires org.sego.support;
  requires org.sego.protection.metadata;
  requires jmh.core;
  requires org.bouncycastle.provider;
  requires jdk.unsupported;

  uses org.sego.api.wiring.MachineFactory;

  opens org.sego.bench to jmh.core;
  opens org.sego.bench.jmh_generated to jmh.core;
}
