/** Storage SPI: volumes with write caches, flush/FUA, torn writes and I/O logs. */
@Experimental("used by crash consistency")
package org.sego.api.storage;

import org.sego.api.Experimental;
