import org.sego.api.wiring.MachineFactory;
import org.sego.api.plugin.PluginProvider;

/**
 * The x86-64 machine: physical memory, the 4-level MMU with EPT and TLB, device timing models
 * ({@code hdd}, {@code sata-ssd}, {@code nvme}, {@code ramdisk}) and the cost profiles {@code
 * paper-2015} and {@code modern}. Exports nothing: everything is reached through the SPI.
 */
@SuppressWarnings("module") // "x86" ends in digits, and it is the architecture's name
module org.sego.hw.x86 {
  requires org.sego.api;
  requires org.sego.support;

  provides MachineFactory with org.sego.hw.x86.X86MachineFactory;
  provides PluginProvider with
      org.sego.hw.x86.device.HddProvider,
      org.sego.hw.x86.device.SataSsdProvider,
      org.sego.hw.x86.device.NvmeProvider,
      org.sego.hw.x86.device.RamdiskProvider,
      org.sego.hw.x86.cost.Paper2015Profile,
      org.sego.hw.x86.cost.ModernProfile;
}
