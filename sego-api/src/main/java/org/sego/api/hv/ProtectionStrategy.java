package org.sego.api.hv;

import java.util.List;
import org.sego.api.Experimental;
import org.sego.api.guest.KernelUserWrite;
import org.sego.api.hypercall.Caller;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;

/**
 * How the hypervisor protects HAPs. A trusted plug-in, built by its Guice module with {@link
 * HypervisorServices} injected. It is called only on an EPT exit, a hypercall, block I/O ({@link
 * #onBlockIo}), a kernel entry ({@link #isProtected}), a kernel write into user memory ({@link
 * #userWriteHandling}), a context switch, a process's exit and the lifecycle steps — never on a
 * TLB hit or a permitted access.
 *
 * <p>Lifecycle: constructed without side effects; {@link #start()} once the machine is up; {@link
 * #guestCrashed()} when the guest dies (the strategy and the hypervisor survive, a new guest
 * boots); after a power failure a fresh instance is built (volatile state is gone) and {@link
 * #recover()} rebuilds from the durable store before the new guest boots.
 */
@Experimental("composition and lifecycle")
public interface ProtectionStrategy {
  String name();

  Capabilities capabilities();

  /** The machine is up; nothing of the guest runs yet. */
  default void start() {}

  /** A fresh instance after a power failure: rebuild what is durable before the next guest boots. */
  default void recover() {}

  /** The guest kernel and all its processes are gone; a new guest will boot on the same hypervisor. */
  default void guestCrashed() {}

  /** The run is over: the last moment to set the strategy's end-of-run stats (its trusted state, say). */
  default void finish() {}

  /** Process {@code pid} ended: release what the strategy holds for it (its frames' metadata, its view). */
  default void processExited(int pid) {}

  /** What {@link #onContextSwitch} answers to keep the view the process last ran in. */
  int KEEP_VIEW = -1;

  /**
   * Process {@code pid} is about to run on {@code vcpu}: answer the id of the EPT view it runs in (0 is
   * the OS's), or {@link #KEEP_VIEW} for the one it last ran in (the OS's at first, or what {@link
   * HypervisorServices#setView} set). The shell caches the answer and charges a view switch when it
   * changes.
   */
  default int onContextSwitch(int vcpu, int pid) {
    return KEEP_VIEW;
  }

  /**
   * Process {@code pid} is about to run in user mode on {@code vcpu} again: when it is switched in
   * (a preempted process resumes without a kernel exit) and at the end of every kernel entry
   * (system call, fault), for every process. The hypervisor's last word
   * before the process uses what the kernel did meanwhile (a strategy that lets the kernel write a
   * HAP's page tables verifies the changes here).
   */
  default void resuming(int vcpu, int pid) {}

  /** An access violated its EPT permissions. The default denies. */
  default ExitAnswer onEptExit(EptExit exit) {
    return ExitAnswer.DENY;
  }

  /**
   * A hypercall from {@code caller}. The shell has already refused a {@link
   * org.sego.api.hypercall.HapHypercall} from the kernel's port and a {@link
   * org.sego.api.hypercall.KernelHypercall} from a process's port.
   */
  default HypercallResult hypercall(Caller caller, Hypercall call) {
    return new HypercallResult.Refused("strategy " + name() + " offers no hypercall '" + call.name() + "'");
  }

  /**
   * A block request, with its purpose, before the device is reserved: the strategy's work here
   * (checks, tags, copies, metadata writes) is charged through {@link HypervisorServices#charge} and
   * so delays the request's completion by exactly that much, queueing with the device. Asked for every
   * request of the guest's devices, the kernel's and the adversary's alike; the default lets it
   * proceed. A strategy that must refuse the OS a protected block answers {@link BlockIo.Answer#REFUSE}
   * (and raises a violation through the services if the request broke its rules).
   */
  default BlockIo.Answer onBlockIo(BlockIo io) {
    return BlockIo.Answer.PROCEED;
  }

  /**
   * A kernel request {@link #onBlockIo} let proceed has completed ({@code ok}: without an error): a
   * write's bytes (read from guest memory when it was issued) are accepted by the device (durable
   * only after a flush or with FUA), a read's are in guest memory. Called before the kernel hears of the completion; work here is charged as in
   * {@code onBlockIo}. The default does nothing.
   */
  default void blockIoDone(BlockIo io, boolean ok) {}

  /**
   * A cache flush of guest device {@code device} has completed: every write to it whose completion
   * the strategy heard ({@link #blockIoDone}) before now is durable. Called before the kernel hears of it; work here is charged as in {@code onBlockIo}.
   * The default does nothing.
   */
  default void deviceFlushed(String device) {}

  /** How this strategy lets the kernel write into a process's memory on {@code path}. */
  default KernelUserWrite.Handling userWriteHandling(KernelUserWrite path) {
    return KernelUserWrite.Handling.DIRECT;
  }

  /** Whether entering the kernel from process {@code pid} must save and scrub its registers. */
  default boolean isProtected(int pid) {
    return false;
  }

  /** What this strategy claims, per adversary and property, with its assumptions. */
  default List<Claim> claims() {
    return List.of();
  }

  /** Every check this strategy performs, each with the parameter that switches it off. */
  default List<Check> checks() {
    return List.of();
  }
}
