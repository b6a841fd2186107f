/**
 * The Sego strategy (ASPLOS 2016): trusted metadata in the hypervisor for every protected page and
 * disk block, instead of encryption and hashing. In progress: this module holds the trusted page
 * metadata ({@code org.sego.protection.metadata.page}); the strategy plug-in {@code sego} is not
 * registered yet. Built against {@code sego-api} and {@code sego-support} only.
 */
module org.sego.protection.metadata {
  requires org.sego.api;
  requires org.sego.support;

  // For the JMH figures of metadata lookup and update (sego-bench), not for plug-ins.
  exports org.sego.protection.metadata.page to org.sego.bench;
}
