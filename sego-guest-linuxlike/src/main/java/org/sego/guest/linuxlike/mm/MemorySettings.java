package org.sego.guest.linuxlike.mm;

/**
 * The memory manager's knobs, from the kernel's parameters.
 *
 * @param limitFrames frames the kernel may use for page tables and user pages (the memory limit)
 * @param thp map 2 MiB pages where an aligned range of an area allows and a 2 MiB block is free
 * @param swapDevice the guest device used for swap, or empty for none
 * @param lowWatermark free frames below which kswapd is woken
 * @param highWatermark free frames kswapd reclaims up to
 * @param kswapdIntervalNanos how often kswapd looks at the free count while woken
 * @param sharing page sharing mode: off, aware, oblivious
 * @param sharingIntervalNanos period of the page-sharing scanner
 * @param sharingPagesPerScan pages the scanner looks at per period
 * @param compaction compaction mode: off, aware, oblivious
 * @param compactionIntervalNanos period of the compaction daemon
 */
public record MemorySettings(
    long limitFrames,
    boolean thp,
    String swapDevice,
    long lowWatermark,
    long highWatermark,
    long kswapdIntervalNanos,
    String sharing,
    long sharingIntervalNanos,
    int sharingPagesPerScan,
    String compaction,
    long compactionIntervalNanos) {}
