package org.sego.api.wiring;

import com.google.inject.Module;
import org.sego.api.Experimental;

/**
 * The machine implementation ({@code sego-hw-x86} provides it through {@link
 * java.util.ServiceLoader}): a Guice module binding {@link org.sego.api.hw.PhysicalMemory}, {@link
 * org.sego.api.hw.Mmu} and {@link org.sego.api.hw.EptViews} for one run.
 */
@Experimental("composition and lifecycle")
public interface MachineFactory {
  Module module(MachineConfig config);
}
