package org.sego.hw.x86.cost;

import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.CostProfileProvider;

/**
 * The era of the Sego paper (2015): the talk's figures where it gives them, published
 * measurements of that era for the rest. Approximate figures say so in their source.
 */
public final class Paper2015Profile extends CostProfileProvider {
  static final String SLIDES = "Sego talk (ASPLOS 2016), slide 10";

  @Override
  public String name() {
    return "paper-2015";
  }

  @Override
  public String description() {
    return "Costs of 2015: AES-GCM 1 GB/s/core, SATA SSD 520 MB/s, PCIe flash 1.5 GB/s (the Sego talk's figures)";
  }

  @Override
  public CostProfile profile() {
    Figures f = new Figures()
        .put(CostProfile.CPU_OPS_PER_US, "3400", "Haswell desktop at 3.4 GHz, one op per cycle (assumption)")
        .put(CostProfile.CPU_COPY, "10 GB/s", "single-core memcpy of a Haswell desktop, STREAM-like copy (approx.)")
        .put(CostProfile.CPU_ZERO, "10 GB/s", "single-core memset of a Haswell desktop (approx.)")
        .put(CostProfile.CPU_SYSCALL, "70 ns", "null system call round trip, lmbench lat_syscall on Haswell-era Linux (approx.)")
        .put(CostProfile.CPU_PAGE_FAULT, "1 us", "minor page fault entry, handling and return, Linux 3.x era (approx.)")
        .put(CostProfile.CPU_CONTEXT_SWITCH, "2 us", "process context switch, lmbench lat_ctx on Haswell-era Linux (approx.)")
        .put(CostProfile.MEM_WALK_STEP, "5 ns", "one page-walk memory reference served from cache (approx.)")
        .put(CostProfile.HV_VMEXIT, "200 ns", "VMX exit and entry round trip, ~600 cycles on Sandy Bridge/Haswell (approx.)")
        .put(CostProfile.HV_HYPERCALL, "400 ns", "KVM null hypercall round trip, ~1300 cycles on Haswell (approx.)")
        .put(CostProfile.CRYPTO_AES_GCM, "1 GB/s", SLIDES + ": AES-NI GCM 0.8-1.2 GB/s per core, midpoint")
        .put(CostProfile.CRYPTO_AES_CBC, "800 MB/s",
            "Gueron, Intel AES-NI white paper (2010): CBC encryption ~4.2 cycles/byte at 3.4 GHz")
        .put(CostProfile.CRYPTO_SHA256, "300 MB/s",
            "Gulley et al., Intel 'Fast SHA-256 Implementations' (2012): ~11 cycles/byte without SHA-NI at 3.4 GHz")
        .put(CostProfile.CRYPTO_HMAC_SHA256, "300 MB/s", "as SHA-256: HMAC adds two short compressions per message")
        .put("nvme.bandwidth", "1.5 GB/s", SLIDES + ": Fusion-io ioDrive 1-1.5 GB/s")
        .put("nvme.latency", "30 us", "PCIe flash access latency of 2015 (approx.)")
        .put("sata-ssd.bandwidth", "520 MB/s", SLIDES + ": commodity SSD 520 MB/s")
        .put("sata-ssd.latency", "80 us", "SATA SSD 4 KiB read latency of 2015 (approx.)")
        .put("hdd.transfer", "150 MB/s", "7200 rpm desktop disk of 2015, outer-track rate (approx.)")
        .put("ramdisk.bandwidth", "10 GB/s", "as cpu.copy");
    return new CostProfile(name(), f.build());
  }
}
