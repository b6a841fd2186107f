package org.sego.api.hap;

import org.sego.api.Experimental;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/**
 * What the trusted library gives a HAP: its own memory, system calls interposed by the library (one
 * hypercall each, buffers through an unprotected bounce area, the kernel's answers checked), secure
 * memory, and an output channel whose values the judge compares between an attack and its twin.
 */
@Experimental("the trusted-library API")
public interface TrustedRuntime {
  /** The HAP's own view of its memory and registers. */
  UserContext user();

  /** System calls through the trusted library. */
  Syscalls syscalls();

  /**
   * Maps {@code bytes} of anonymous memory and asks the hypervisor to protect it; returns the address
   * or {@code -errno}: {@code -EPERM} when the hypervisor accepted the HAP but refused to protect this
   * range (the library unmaps it rather than hand out unprotected memory as secure). Under a strategy
   * that protects nothing (it refused the registration) this is ordinary memory.
   */
  long allocateSecure(long bytes);

  /** The HAP's secure files. */
  SecureFiles files();

  /** Whether the hypervisor accepted this process as a HAP. */
  boolean registered();

  /** Records one value the HAP consumed or computed, in order: what the judge compares. */
  void emit(String label, long value);
}
