package org.sego.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.ServiceLoader;
import org.sego.api.hw.EptViews;
import org.sego.api.wiring.MachineConfig;
import org.sego.api.wiring.MachineFactory;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.X86;
import org.sego.support.Memory64;
import org.sego.support.PageTableWriter;

/** A machine with one address space mapping {@code pages} consecutive 4 KiB pages at {@link #BASE}. */
final class TestMachine {
  static final long BASE = 0x4000_0000L;

  final PhysicalMemory memory;
  final Mmu mmu;
  final EptViews views;
  final long cr3;
  private long nextFrame = 16;

  TestMachine(int pages, int tlbSets, int tlbWays) {
    MachineFactory f = ServiceLoader.load(MachineFactory.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("no MachineFactory: put sego-hw-x86 on the class path"));
    Injector i = Guice.createInjector(f.module(new MachineConfig(1L << 30, 1L << 30, tlbSets, tlbWays)));
    memory = i.getInstance(PhysicalMemory.class);
    mmu = i.getInstance(Mmu.class);
    views = i.getInstance(EptViews.class);
    Memory64 m = new Memory64() {
      @Override
      public long load64(long a) {
        return memory.load64(a);
      }

      @Override
      public void store64(long a, long v) {
        memory.store64(a, v);
      }
    };
    PageTableWriter w = new PageTableWriter(m, () -> nextFrame++);
    cr3 = nextFrame++ << X86.PAGE_SHIFT;
    long data = 1 << 16;
    for (int p = 0; p < pages; p++) {
      w.map4k(cr3, BASE + ((long) p << X86.PAGE_SHIFT), data + p, X86.PTE_RW | X86.PTE_US);
    }
  }
}
