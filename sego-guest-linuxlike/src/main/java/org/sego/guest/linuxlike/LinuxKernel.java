package org.sego.guest.linuxlike;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.KernelPorts;
import org.sego.api.guest.SignalDelivery;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.posix.Mman;
import org.sego.api.sim.Program;
import org.sego.api.sim.Registers;
import org.sego.api.posix.Signals;
import org.sego.api.sim.StatsSink;
import org.sego.api.posix.Syscalls;
import org.sego.guest.linuxlike.fs.Files;
import org.sego.guest.linuxlike.mm.AddressSpace;
import org.sego.guest.linuxlike.mm.MemoryManager;
import org.sego.guest.linuxlike.mm.MemorySettings;

/**
 * The linuxlike kernel: processes with address spaces, demand paging, copy-on-write fork,
 * exit/wait, signals, and the memory services of {@link MemoryManager}. Untrusted: it holds only
 * its ports.
 */
final class LinuxKernel implements GuestKernel {
  /** Frames below this (the first MiB) are the kernel's own and never allocated. */
  static final long RESERVED_FRAMES = 256;
  private static final int FRAME_BYTES = (Registers.COUNT + 1) * 8;
  private static final long RED_ZONE = 128;
  /** The timer tick (HZ = 1000), where tick hooks run. */
  private static final long TICK_NANOS = 1_000_000;
  /** The flusher's period and the data blocks it starts writing per period. */
  private static final long FLUSHER_NANOS = 2_000_000;
  private static final int FLUSHER_BATCH = 256;

  final KernelPorts ports;
  private final MemorySettings settings;
  private final String fsDevice;
  private final boolean dataJournal;
  MemoryManager mm;
  Files files;
  final Map<Integer, Process> processes = new TreeMap<>();
  private int nextPid = 1;
  private final StatsSink.Counter forks;
  private final StatsSink.Counter signalsDelivered;
  private final StatsSink.Counter segfaults;

  LinuxKernel(KernelPorts ports, MemorySettings settings, String fsDevice, boolean dataJournal) {
    this.dataJournal = dataJournal;
    this.ports = ports;
    this.settings = settings;
    this.fsDevice = fsDevice;
    forks = ports.stats().counter("system.guest.forks", "processes", "processes created by fork");
    signalsDelivered = ports.stats().counter("system.guest.signals-delivered", "signals", "signals delivered to a handler");
    segfaults = ports.stats().counter("system.guest.segfaults", "faults", "faults the kernel could not resolve (SIGSEGV)");
  }

  @Override
  public void boot() {
    mm = new MemoryManager(ports, settings, RESERVED_FRAMES);
    files = new Files(ports, mm, fsDevice, dataJournal);
    ports.cpu().charge(CostCategory.COMPUTE, mm.costs.boot());
  }

  MemoryManager memory() {
    return mm;
  }

  int newPid() {
    return nextPid++;
  }

  /** Daemons with a pending period: each stops once no process is left, and starts again with the next one. */
  private final java.util.Map<String, Long> runningDaemons = new java.util.TreeMap<>();

  /** Schedules the timer tick and, when enabled, the page-sharing and compaction daemons. */
  private void startDaemons() {
    if (mm.sharing() != null) {
      daemon("system.guest.ksmd", settings.sharingIntervalNanos(), () -> mm.sharing().scan(settings.sharingPagesPerScan()));
    }
    if (mm.compaction() != null) {
      daemon("system.guest.kcompactd", settings.compactionIntervalNanos(), () -> mm.compaction().run());
    }
    daemon("system.guest.tick", TICK_NANOS, () -> ports.hooks().tick(ports.clock().nowNanos()));
    daemon("system.guest.flusher", FLUSHER_NANOS, () -> files.flusherTick(FLUSHER_BATCH));
  }

  private void daemon(String path, long interval, Runnable work) {
    if (!runningDaemons.containsKey(path)) {
      period(path, interval, work);
    }
  }

  private void period(String path, long interval, Runnable work) {
    long id = ports.events().schedule(ports.clock().nowNanos() + interval, path, t -> {
      work.run();
      period(path, interval, work);
    });
    runningDaemons.put(path, id);
  }

  /** The last process is gone: the daemons stop at once, so nothing runs past the workload's end. */
  private void stopDaemons() {
    for (long id : runningDaemons.values()) {
      ports.events().cancel(id);
    }
    runningDaemons.clear();
  }

  @Override
  public int start(Program program) {
    startDaemons();
    int pid = newPid();
    AddressSpace as = mm.create(pid);
    if (as == null) {
      throw new IllegalStateException("linuxlike: no memory for a new process");
    }
    mm.addArea(as, AddressSpace.STACK_TOP - AddressSpace.STACK_SIZE, AddressSpace.STACK_TOP,
        Mman.PROT_READ | Mman.PROT_WRITE, false, "stack");
    Process p = new Process(pid, 0, as);
    processes.put(pid, p);
    ports.cpu().spawn(pid, as.cr3(), program);
    long[] regs = ports.cpu().registers(pid);
    regs[Registers.RSP] = AddressSpace.STACK_TOP - 64;
    ports.cpu().setRegisters(pid, regs);
    return pid;
  }

  /** Creates the child of a fork; returns its pid or -ENOMEM. */
  int fork(Process parent, Program child) {
    int pid = newPid();
    AddressSpace as = mm.fork(parent.space, pid);
    if (as == null) {
      return -org.sego.api.posix.Errno.ENOMEM;
    }
    Process c = new Process(pid, parent.pid, as);
    System.arraycopy(parent.handlers, 0, c.handlers, 0, parent.handlers.length);
    parent.files.forEach((fd, of) -> c.files.put(fd, of.share()));
    processes.put(pid, c);
    parent.children.add(pid);
    long[] regs = ports.cpu().registers(parent.pid);
    ports.cpu().spawn(pid, as.cr3(), child);
    regs[Registers.RAX] = 0;
    ports.cpu().setRegisters(pid, regs);
    forks.add(1);
    return pid;
  }

  Process process(int pid) {
    return processes.get(pid);
  }

  @Override
  public boolean pageFault(int pid, long gva, int errorCode) {
    Process p = processes.get(pid);
    if (p == null) {
      return false;
    }
    int r = mm.fault(p.space, gva, (errorCode & X86.PF_W) != 0, (errorCode & X86.PF_I) != 0);
    if (r != MemoryManager.OK) {
      segfaults.add(1);
      return false;
    }
    return true;
  }

  @Override
  public Syscalls syscalls(int pid) {
    return new ProcessSyscalls(this, pid);
  }

  @Override
  public void exited(int pid, int status) {
    Process p = processes.get(pid);
    if (p == null) {
      return;
    }
    files.mappings.harvest(p.space, 0, Long.MAX_VALUE);
    mm.destroy(p.space);
    files.closeAll(p.files);
    p.exitStatus = status;
    for (int child : p.children) {
      Process c = processes.get(child);
      if (c != null) {
        c.ppid = 0;
        if (c.zombie) {
          processes.remove(child);
        }
      }
    }
    p.children.clear();
    Process parent = processes.get(p.ppid);
    if (parent == null || parent.zombie) {
      processes.remove(pid);
      if (processes.isEmpty()) {
        stopDaemons();
      }
      return;
    }
    p.zombie = true;
    parent.raise(Signals.SIGCHLD);
    if (parent.waiting) {
      ports.cpu().wake(parent.pid);
    }
  }

  @Override
  public SignalDelivery takeSignal(int pid) {
    Process p = processes.get(pid);
    while (p != null && p.pending != 0) {
      int sig = Long.numberOfTrailingZeros(p.pending);
      p.pending &= ~(1L << sig);
      var handler = p.handlers[sig];
      if (handler == null) {
        if (sig == Signals.SIGCHLD) {
          continue;
        }
        return terminate(sig);
      }
      long[] regs = ports.cpu().registers(pid);
      long sp = (regs[Registers.RSP] - RED_ZONE - FRAME_BYTES) & ~15L;
      ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (long r : regs) {
        frame.putLong(r);
      }
      frame.putLong(sig);
      if (mm.copyToUser(p.space, sp, frame.array(), 0, FRAME_BYTES, org.sego.api.guest.KernelUserWrite.SIGNAL_FRAME) != 0) {
        return terminate(Signals.SIGSEGV);
      }
      p.signalFrames.push(sp);
      regs[Registers.RSP] = sp;
      regs[Registers.RDI] = sig;
      ports.cpu().setRegisters(pid, regs);
      signalsDelivered.add(1);
      return new SignalDelivery(sig, handler);
    }
    return null;
  }

  private static SignalDelivery terminate(int sig) {
    return new SignalDelivery(sig, (u, s) -> u.syscalls().exit(Signals.killedBy(s)));
  }

  @Override
  public void sigreturn(int pid) {
    Process p = processes.get(pid);
    if (p == null || p.signalFrames.isEmpty()) {
      return;
    }
    long sp = p.signalFrames.pop();
    byte[] frame = new byte[FRAME_BYTES];
    if (mm.copyFromUser(p.space, sp, frame, 0, FRAME_BYTES) != 0) {
      p.raise(Signals.SIGSEGV);
      p.handlers[Signals.SIGSEGV] = null;
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    long[] regs = ports.cpu().registers(pid);
    for (int i = 0; i < Registers.COUNT; i++) {
      regs[i] = b.getLong();
    }
    ports.cpu().setRegisters(pid, regs);
  }
}
