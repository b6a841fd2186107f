/** Helpers for plug-in authors; everything here is experimental. Requires only the API and the JDK. */
module org.sego.support {
  requires transitive org.sego.api;

  exports org.sego.support;
}
