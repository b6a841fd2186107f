package org.sego.hw.x86;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.sego.api.hw.EptViews;
import org.sego.api.wiring.MachineConfig;
import org.sego.api.wiring.MachineFactory;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.X86;
import org.sego.hw.x86.memory.FrameMemory;
import org.sego.hw.x86.mmu.EptViewSet;
import org.sego.hw.x86.mmu.PageWalkMmu;
import org.sego.hw.x86.mmu.Tlb;

/** Builds one x86-64 machine per run and binds its host objects for the trusted side. */
public final class X86MachineFactory implements MachineFactory {
  @Override
  public Module module(MachineConfig config) {
    return new MachineModule(config);
  }

  /** The machine's bindings; its parts are built here, without side effects beyond allocation. */
  static final class MachineModule extends AbstractModule {
    private final MachineConfig config;

    MachineModule(MachineConfig config) {
      this.config = config;
    }

    @Override
    protected void configure() {
      FrameMemory memory = new FrameMemory(config.hostMemoryBytes());
      Tlb tlb = new Tlb(config.tlbSets(), config.tlbWays());
      PageWalkMmu mmu = new PageWalkMmu(memory, tlb);
      EptViewSet views = new EptViewSet(config.guestMemoryBytes() >>> X86.PAGE_SHIFT, tlb);
      bind(PhysicalMemory.class).toInstance(memory);
      bind(Mmu.class).toInstance(mmu);
      bind(EptViews.class).toInstance(views);
    }
  }
}
