/**
 * Short programs showing how a researcher composes a custom system in Java: the builder, a device
 * probe, a run. Plug-ins live in {@code org.sego.examples.plugins}, which needs only the API.
 */
module org.sego.examples {
  requires org.sego.core;
}
