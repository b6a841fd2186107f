import org.sego.api.plugin.PluginProvider;

/**
 * The untrusted guest kernel {@code linuxlike}: processes, demand paging, copy-on-write fork,
 * swap, page sharing, compaction and 2 MiB pages. It reaches the machine only through its ports:
 * memory through the OS's EPT view, disks through the block queue.
 */
module org.sego.guest.linuxlike {
  requires org.sego.api;
  requires org.sego.support;

  provides PluginProvider with org.sego.guest.linuxlike.LinuxlikeProvider;
}
