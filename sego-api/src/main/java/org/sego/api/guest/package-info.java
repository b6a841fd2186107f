/** The guest-kernel SPI and the ports an untrusted kernel is handed. */
@Experimental("grows with the guest kernel")
package org.sego.api.guest;

import org.sego.api.Experimental;
