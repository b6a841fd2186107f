/**
 * x86-64 hardware SPI: physical memory, MMU, EPT views, device timing, and the packed
 * address/translation conventions.
 */
@Stable(since = "0.1")
package org.sego.api.hw;

import org.sego.api.Stable;
