/** The adversary SPI: operations a malicious kernel has, hook points, canaries and outcomes. */
@Experimental("adversary operations")
package org.sego.api.attack;

import org.sego.api.Experimental;
