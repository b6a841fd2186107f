/**
 * The Sego SPI: the only module most plug-ins compile against. It is x86-64 specific and says so
 * in its address and page-table conventions. Stability is marked per type with {@link
 * org.sego.api.Stable} and {@link org.sego.api.Experimental}.
 */
module org.sego.api {
  requires transitive com.google.guice;
  requires transitive jakarta.inject;

  exports org.sego.api;
  exports org.sego.api.units;
  exports org.sego.api.plugin;
  exports org.sego.api.hw;
  exports org.sego.api.sim;
  exports org.sego.api.cost;
  exports org.sego.api.hv;
  exports org.sego.api.guest;
  exports org.sego.api.storage;
  exports org.sego.api.hap;
  exports org.sego.api.attack;
}
