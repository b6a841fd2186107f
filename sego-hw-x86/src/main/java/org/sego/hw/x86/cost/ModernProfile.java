package org.sego.hw.x86.cost;

import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.CostProfileProvider;

/**
 * Costs measured on this kind of machine (a 2-core cloud VM, Java 17, JDK SunJCE provider, 4 KiB
 * pages, 2026-11-25), plus the device figures given for today's NVMe.
 */
public final class ModernProfile extends CostProfileProvider {
  static final String BENCH = "sego-bench CryptoBenchmark.";
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
        .put(CostProfile.CRYPTO_AES_CTR, "23.5 GB/s", BENCH + "aesCtr (JDK SunJCE, AES-NI): 0.17 us per page")
        .put(CostProfile.CRYPTO_CHACHA20_POLY1305, "315 MB/s", BENCH + "chacha20Poly1305 (JDK SunJCE, no intrinsic on Java 17): 13.0 us per page")
        .put(CostProfile.CRYPTO_SHA256_SHA_NI, "1.77 GB/s", BENCH + "sha256: this host has SHA-NI and the JDK's SHA-256 intrinsic uses it")
        .put(CostProfile.CRYPTO_BLAKE3, "547 MB/s", BENCH + "blake3 (Bouncy Castle, plain Java): 7.49 us per page")
        .put(CostProfile.CRYPTO_SETUP, "243 ns", BENCH + "aesGcmSetup: init and doFinal of a 16-byte message")
        .put(CostProfile.HV_VIEW_SWITCH, "50 ns",
            "VMFUNC EPTP switch, ~134 cycles at 3 GHz (SkyBridge, EuroSys 2019); no VM exit")
        .put(CostProfile.HV_EPT_INVALIDATION, "200 ns", "INVEPT single-context and the refill it causes (approx.)")
        .put(CostProfile.HV_EPT_SPLINTER, "1 us", "allocate, fill and link a 4 KiB EPT table for 512 entries (approx.)")
        .put(CostProfile.HV_COPY, "4.3 GB/s", "as cpu.copy: the hypervisor copies with the same core")
        .put(CostProfile.HV_SCRUB, "4.3 GB/s", "as cpu.zero")
        .put(CostProfile.HV_METADATA_RECORD, "50 ns", "append a ~32-byte record to an in-memory log and index it (approx.)")
        .put(CostProfile.GUEST_FORK_PTE, "20 ns", "copy and write-protect one PTE at fork, Linux copy_pte_range (approx.)")
        .put(CostProfile.GUEST_RECLAIM_SCAN, "50 ns", "examine one page on the LRU and test its accessed bit (approx.)")
        .put(CostProfile.GUEST_COMPACTION_SCAN, "5 ns", "test one frame in the compaction scanner's bitmap walk (approx.)")
        .put(CostProfile.GUEST_PAGE_HASH, "19 GB/s", "KSM's page checksum, xxHash XXH64 ~19 GB/s on one modern core (xxhash.com benchmarks)")
        .put(CostProfile.GUEST_MMAP, "200 ns", "kernel work of an anonymous mmap beyond the system call, Linux 6.x (approx.)")
        .put(CostProfile.GUEST_FS_MAP_ENTRY, "2 ns", "read one block-map slot (cached) and free its block in the bitmap, ext2 truncate, Linux 6.x (approx.)")
        .put(CostProfile.GUEST_BOOT, "10 us", "kernel set-up before the first process, scaled down: boot time is not studied (assumption)")
        .put("nvme.bandwidth", "3 GB/s", "PCIe 3.0 x4 NVMe SSD at queue depth (Sego issue #2 figure)")
        .put("nvme.latency", "20 us", "NVMe 4 KiB read latency (Sego issue #2 figure)")
        .put("sata-ssd.bandwidth", "520 MB/s", "SATA III SSD, unchanged since 2015")
        .put("sata-ssd.latency", "80 us", "SATA SSD 4 KiB read latency (Sego issue #2 figure)")
        .put("hdd.transfer", "250 MB/s", "7200 rpm disk of today, outer-track rate (approx.)")
        .put("ramdisk.bandwidth", "4.3 GB/s", "as cpu.copy");
    return new CostProfile(name(), f.build());
  }
}
