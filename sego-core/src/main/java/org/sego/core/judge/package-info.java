/**
 * The judge (docs/design.md §6): runs an attack beside its benign twin and decides the outcome only from
 * logs the trusted side writes: what the adversary observed, what the HAP emitted, which violations
 * were raised.
 */
@Experimental("adversary operations")
package org.sego.core.judge;

import org.sego.api.Experimental;
