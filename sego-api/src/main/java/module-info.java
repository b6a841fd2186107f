/**
 * The Sego SPI: the only module most plug-ins compile against. It is x86-64 specific and says so
 * in its address and page-table conventions. Stability is marked per type with {@link
 * org.sego.api.Stable} and {@link org.sego.api.Experimental} (docs/design.md, "The SPI").
 *
 * <p>{@code org.sego.api.wiring} holds the services through which {@code sego-core} assembles a run
 * from its sibling modules (the machine, the volumes, the trusted library). It is exported to those
 * modules only: a plug-in can neither name nor {@code uses} them, and discovery refuses one whose
 * descriptor tries.
 */
@SuppressWarnings("module") // the qualified export names modules built after this one
module org.sego.api {
  requires transitive com.google.guice;
  requires transitive jakarta.inject;

  exports org.sego.api;
  exports org.sego.api.units;
  exports org.sego.api.plugin;
  exports org.sego.api.hw;
  exports org.sego.api.sim;
  exports org.sego.api.posix;
  exports org.sego.api.cost;
  exports org.sego.api.hypercall;
  exports org.sego.api.hv;
  exports org.sego.api.guest;
  exports org.sego.api.storage;
  exports org.sego.api.hap;
  exports org.sego.api.attack;
  exports org.sego.api.wiring to
      org.sego.core,
      org.sego.hw.x86,
      org.sego.storage,
      org.sego.trustedlib,
      org.sego.cli,
      org.sego.bench;
}
