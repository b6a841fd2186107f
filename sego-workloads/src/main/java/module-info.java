import org.sego.api.plugin.PluginProvider;

/**
 * Built-in workloads: programs that exercise the guest kernel's memory services and check their own
 * data, exiting non-zero when a byte came back wrong.
 */
module org.sego.workloads {
  requires org.sego.api;
  requires org.sego.support;

  provides PluginProvider with
      org.sego.workloads.MemoryPressureWorkload,
      org.sego.workloads.ForkCowWorkload,
      org.sego.workloads.PageSharingWorkload,
      org.sego.workloads.FragmentationWorkload,
      org.sego.workloads.FileHeavyWorkload,
      org.sego.workloads.GraphWorkload,
      org.sego.workloads.FileIoWorkload,
      org.sego.workloads.PostmarkWorkload,
      org.sego.workloads.WikiWorkload,
      org.sego.workloads.LdapWorkload,
      org.sego.workloads.SharingWorkload,
      org.sego.workloads.CompactionWorkload;
}
