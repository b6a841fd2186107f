package org.sego.guest.linuxlike;

import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.KernelPorts;
import org.sego.api.hw.X86;
import org.sego.api.plugin.GuestKernelProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.guest.linuxlike.mm.MemorySettings;

/** Guest kernel plug-in {@code linuxlike}. */
public final class LinuxlikeProvider extends GuestKernelProvider {
  @Override
  public String name() {
    return "linuxlike";
  }

  @Override
  public String description() {
    return "A Linux-like kernel: demand paging, copy-on-write fork, swap with kswapd, 2 MiB pages, page sharing, compaction";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.dataSize("memory-limit", "0 B", "memory the kernel may use for user pages and page tables (0: all guest memory)"),
        Parameter.string("swap-device", "", "guest device to swap to, with 4 KiB blocks (empty: no swap)"),
        Parameter.string("fs-device", "", "guest device holding the lxfs file system, formatted if blank (empty: no file system)"),
        Parameter.choice("fs-journal", "ordered", "journal mode: ordered (data written before the metadata commit) "
            + "or journal (data journaled too)", "ordered", "journal"),
        Parameter.bool("thp", true, "map 2 MiB pages where an aligned range of an anonymous area allows it"),
        Parameter.integer("low-watermark", 20, 1, 500, "permille", "free memory below which kswapd is woken"),
        Parameter.integer("high-watermark", 40, 2, 900, "permille", "free memory kswapd reclaims up to"),
        Parameter.duration("kswapd-interval", "100 us", "how often a woken kswapd looks again while memory stays low"),
        Parameter.choice("sharing", "off", "page sharing: off, aware (hypercall for pages the kernel cannot read), "
            + "oblivious (read every page)", "off", "aware", "oblivious"),
        Parameter.duration("sharing-interval", "1 ms", "period of the page-sharing scanner"),
        Parameter.integer("sharing-pages", 256, 1, 1 << 20, "pages", "pages the scanner looks at per period"),
        Parameter.choice("compaction", "off", "compaction: off, aware (hypercall to move pages the kernel cannot read), "
            + "oblivious (copy every page)", "off", "aware", "oblivious"),
        Parameter.duration("compaction-interval", "2 ms", "period of the compaction daemon"));
  }

  @Override
  public GuestKernel create(KernelPorts ports, Parameters p) {
    long guestFrames = ports.memory().guestFrames();
    long limit = p.dataSize("memory-limit").bytes() >>> X86.PAGE_SHIFT;
    long frames = limit == 0 ? guestFrames : Math.min(guestFrames, limit + LinuxKernel.RESERVED_FRAMES);
    long usable = frames - LinuxKernel.RESERVED_FRAMES;
    if (usable < 1024) {
      throw new IllegalArgumentException("linuxlike: memory-limit gives " + usable
          + " usable frames; at least 1024 (4 MiB) are needed");
    }
    long low = Math.max(16, usable * p.integer("low-watermark") / 1000);
    long high = Math.max(low + 16, usable * p.integer("high-watermark") / 1000);
    MemorySettings s = new MemorySettings(frames, p.bool("thp"), p.string("swap-device"), low, high,
        p.duration("kswapd-interval").nanos(), p.string("sharing"), p.duration("sharing-interval").nanos(),
        (int) p.integer("sharing-pages"), p.string("compaction"), p.duration("compaction-interval").nanos());
    String fsDevice = p.string("fs-device");
    if (!fsDevice.isEmpty() && !ports.blocks().devices().contains(fsDevice)) {
      throw new IllegalArgumentException("linuxlike: fs-device '" + fsDevice + "' is not a guest device; devices: "
          + String.join(", ", ports.blocks().devices()));
    }
    return new LinuxKernel(ports, s, fsDevice, p.string("fs-journal").equals("journal"));
  }
}
