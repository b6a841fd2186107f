package org.sego.api.hw;

import org.sego.api.Stable;

/**
 * The x86-64 MMU: a 4-level walk over page tables stored in guest frames, each table access itself
 * translated through the EPT view; sets the accessed and dirty bits in the guest's entries; caches
 * translations in a set-associative TLB tagged by address space and view.
 */
@Stable(since = "0.1")
public interface Mmu {
  /**
   * Translates {@code gva} in the address space rooted at {@code cr3} (a gpa) through {@code view}.
   *
   * @param access {@link X86#ACCESS_WRITE}, {@link X86#ACCESS_USER}, {@link X86#ACCESS_EXEC} combined
   * @return a packed {@link Translation}: the hpa, or a page fault or EPT violation
   */
  long translate(long cr3, EptView view, long gva, int access);

  /** {@code invlpg}: drops the translation of one page in one address space, every view. */
  void invalidatePage(long cr3, long gva);

  /** Drops every translation of one address space (a CR3 switch without PCID, or teardown). */
  void invalidateAddressSpace(long cr3);

  /** Drops every translation (a guest reboot). */
  default void flushAll() {
    throw new UnsupportedOperationException(getClass().getName() + " cannot flush its TLB");
  }

  /** Walk steps (table reads) since start, for charging {@code mem.walk}. */
  long walkSteps();

  long tlbHits();

  long tlbMisses();
}
