/**
 * Memory management: the buddy allocator, per-frame metadata and reverse maps, page-table access
 * through the OS view, the two-list LRU, swap, page sharing and compaction.
 */
package org.sego.guest.linuxlike.mm;
