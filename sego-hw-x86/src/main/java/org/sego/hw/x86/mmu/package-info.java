/** The MMU: 4-level page walk through EPT views, and the set-associative TLB. */
package org.sego.hw.x86.mmu;
