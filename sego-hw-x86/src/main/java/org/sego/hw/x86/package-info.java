/** The x86-64 machine factory, found through {@link org.sego.api.hw.MachineFactory}. */
package org.sego.hw.x86;
