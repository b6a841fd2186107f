/** The x86-64 machine factory, found through {@link org.sego.api.wiring.MachineFactory}. */
package org.sego.hw.x86;
