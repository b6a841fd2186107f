package org.sego.hw.x86.cost;

import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.CostProfileProvider;

/**
 * Costs measured on this kind of machine (a 2-core cloud VM, Java 17, JDK SunJCE provider, 4 KiB
 * pages, 2026-11-25), plus the device figures given for today's NVMe.
 */
public final class ModernProfile extends CostProfileProvider {
  static final String MEASURED = "measured on this kind of machine (2 cores, Java 17, 4 KiB pages, 2026-11-25)";

  @Override
  public String name() {
    return "modern";
  }

  @Override
  public String description() {
    return "Costs of today: JDK AES-GCM ~3.8 GB/s/core, SHA-256 ~1.8 GB/s, NVMe 3 GB/s at depth";
  }

  @Override
  public CostProfile profile() {
    Figures f = new Figures()
        .put(CostProfile.CPU_OPS_PER_US, "3000", "3 GHz core, one op per cycle (assumption)")
        .put(CostProfile.CPU_COPY, "4.3 GB/s", MEASURED + ": page copies over a 256 MiB working set")
        .put(CostProfile.CPU_ZERO, "4.3 GB/s", MEASURED + ": page zeroing over a 256 MiB working set")
        .put(CostProfile.CPU_SYSCALL, "100 ns", "null system call with page-table isolation, Linux 6.x (approx.)")
        .put(CostProfile.CPU_PAGE_FAULT, "1 us", "minor page fault entry, handling and return, Linux 6.x (approx.)")
        .put(CostProfile.CPU_CONTEXT_SWITCH, "2 us", "process context switch, lmbench lat_ctx on Linux 6.x (approx.)")
        .put(CostProfile.MEM_WALK_STEP, "5 ns", "one page-walk memory reference served from cache (approx.)")
        .put(CostProfile.HV_VMEXIT, "150 ns", "VMX exit and entry round trip on recent Intel cores (approx.)")
        .put(CostProfile.HV_HYPERCALL, "300 ns", "KVM null hypercall round trip on recent Intel cores (approx.)")
        .put(CostProfile.CRYPTO_AES_GCM, "3.8 GB/s", MEASURED + ", JDK SunJCE: 1.08 us per page")
        .put(CostProfile.CRYPTO_AES_CBC, "1.34 GB/s", MEASURED + ", JDK SunJCE: 3.05 us per page")
        .put(CostProfile.CRYPTO_SHA256, "1.77 GB/s", MEASURED + ", JDK SunJCE: 2.32 us per page")
        .put(CostProfile.CRYPTO_HMAC_SHA256, "1.67 GB/s", MEASURED + ", JDK SunJCE: 2.45 us per page")
        .put("nvme.bandwidth", "3 GB/s", "PCIe 3.0 x4 NVMe SSD at queue depth (Sego issue #2 figure)")
        .put("nvme.latency", "20 us", "NVMe 4 KiB read latency (Sego issue #2 figure)")
        .put("sata-ssd.bandwidth", "520 MB/s", "SATA III SSD, unchanged since 2015")
        .put("sata-ssd.latency", "80 us", "SATA SSD 4 KiB read latency (Sego issue #2 figure)")
        .put("hdd.transfer", "250 MB/s", "7200 rpm disk of today, outer-track rate (approx.)")
        .put("ramdisk.bandwidth", "4.3 GB/s", "as cpu.copy");
    return new CostProfile(name(), f.build());
  }
}
