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
        .put(CostProfile.CRYPTO_AES_CTR, "3 GB/s", "Gueron, Intel AES-NI white paper (2010): parallel CTR ~1.1 cycles/byte at 3.4 GHz")
        .put(CostProfile.CRYPTO_CHACHA20_POLY1305, "1.5 GB/s",
            "eBACS on Haswell with AVX2: ChaCha20 ~1.2 + Poly1305 ~1 cycles/byte at 3.4 GHz (approx.)")
        .put(CostProfile.CRYPTO_SHA256_SHA_NI, "1.4 GB/s",
            "not in 2015 parts (SHA-NI shipped in 2016, Goldmont); ~2.4 cycles/byte at 3.4 GHz, for what-if studies (approx.)")
        .put(CostProfile.CRYPTO_BLAKE3, "2 GB/s",
            "not in 2015 (BLAKE3 is from 2020); its authors' AVX2 single-thread rate scaled to a Haswell core, for what-if studies (approx.)")
        .put(CostProfile.CRYPTO_SETUP, "300 ns", "AES-NI key schedule, GHASH key and IV set-up of one call, ~1000 cycles (approx.)")
        .put(CostProfile.HV_VIEW_SWITCH, "200 ns", "EPT view switch by VM exit and entry, as hv.vmexit (Sego's hypervisor of 2016)")
        .put(CostProfile.HV_EPT_INVALIDATION, "250 ns", "INVEPT single-context and the refill it causes on Haswell (approx.)")
        .put(CostProfile.HV_EPT_SPLINTER, "1 us", "allocate, fill and link a 4 KiB EPT table for 512 entries (approx.)")
        .put(CostProfile.HV_COPY, "10 GB/s", "as cpu.copy: the hypervisor copies with the same core")
        .put(CostProfile.HV_SCRUB, "10 GB/s", "as cpu.zero")
        .put(CostProfile.HV_METADATA_RECORD, "50 ns", "append a ~32-byte record to an in-memory log and index it (approx.)")
        .put(CostProfile.GUEST_FORK_PTE, "20 ns", "copy and write-protect one PTE at fork, Linux copy_pte_range (approx.)")
        .put(CostProfile.GUEST_RECLAIM_SCAN, "50 ns", "examine one page on the LRU and test its accessed bit (approx.)")
        .put(CostProfile.GUEST_COMPACTION_SCAN, "5 ns", "test one frame in the compaction scanner's bitmap walk (approx.)")
        .put(CostProfile.GUEST_PAGE_HASH, "2.5 GB/s", "KSM's page checksum of 2015, jhash2 ~1.3 cycles/byte at 3.4 GHz (approx.)")
        .put(CostProfile.GUEST_MMAP, "200 ns", "kernel work of an anonymous mmap beyond the system call, Linux 3.x (approx.)")
        .put(CostProfile.GUEST_FS_MAP_ENTRY, "2 ns", "read one block-map slot (cached) and free its block in the bitmap, ext2 truncate, Linux 3.x (approx.)")
        .put(CostProfile.GUEST_BOOT, "10 us", "kernel set-up before the first process, scaled down: boot time is not studied (assumption)")
        .put("nvme.bandwidth", "1.5 GB/s", SLIDES + ": Fusion-io ioDrive 1-1.5 GB/s")
        .put("nvme.latency", "30 us", "PCIe flash access latency of 2015 (approx.)")
        .put("sata-ssd.bandwidth", "520 MB/s", SLIDES + ": commodity SSD 520 MB/s")
        .put("sata-ssd.latency", "80 us", "SATA SSD 4 KiB read latency of 2015 (approx.)")
        .put("hdd.transfer", "150 MB/s", "7200 rpm desktop disk of 2015, outer-track rate (approx.)")
        .put("ramdisk.bandwidth", "10 GB/s", "as cpu.copy");
    return new CostProfile(name(), f.build());
  }
}
