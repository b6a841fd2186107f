import org.sego.api.wiring.VolumeFactory;

/**
 * Volumes: block bytes in memory or in image files, a volatile write cache, flush and FUA, torn
 * writes at the atomic size, and an I/O log. Exports nothing; reached through {@link VolumeFactory}.
 */
module org.sego.storage {
  requires org.sego.api;
  requires org.sego.support;

  provides VolumeFactory with org.sego.storage.VolumeOpener;
}
