package org.sego.trustedlib;

import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hap.HapOutput;
import org.sego.api.hap.TrustedRuntime;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.posix.Mman;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/**
 * One HAP's runtime. At start it asks the hypervisor to register the process (refused where nothing
 * is protected, and then every check passes through) and maps the unprotected bounce area that
 * system-call buffers pass through.
 */
final class HapRuntime implements TrustedRuntime {
  static final long BOUNCE_BYTES = 64 * 1024;

  private final UserContext user;
  private final HapOutput output;
  private final boolean registered;
  final IagoChecks checks = new IagoChecks();
  final long bounce;
  private final InterposedSyscalls syscalls;
  private final LibrarySecureFiles files;

  HapRuntime(UserContext user, HapOutput output) {
    this.user = user;
    this.output = output;
    this.registered = user.hypercalls().call(new HapHypercalls.Register()) instanceof HypercallResult.Ok;
    if (registered) {
      checks.enable(user.hypercalls().capabilities().libraryChecks());
    }
    this.bounce = user.syscalls().mmap(0, BOUNCE_BYTES, Mman.PROT_READ | Mman.PROT_WRITE,
        Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
    this.syscalls = new InterposedSyscalls(this, user);
    this.files = new LibrarySecureFiles(this, user, syscalls);
  }

  /**
   * The process as an ordinary program sees it when it runs as a HAP: its own memory, with system
   * calls that protect its anonymous memory and keep its regular files secure ({@link HapSyscalls}).
   */
  UserContext asProgram() {
    HapSyscalls hap = new HapSyscalls(this, syscalls, files);
    return new UserContext() {
      @Override
      public long load64(long gva) {
        return user.load64(gva);
      }

      @Override
      public void store64(long gva, long value) {
        user.store64(gva, value);
      }

      @Override
      public byte load8(long gva) {
        return user.load8(gva);
      }

      @Override
      public void store8(long gva, byte value) {
        user.store8(gva, value);
      }

      @Override
      public void read(long gva, byte[] dst, int off, int len) {
        user.read(gva, dst, off, len);
      }

      @Override
      public void write(long gva, byte[] src, int off, int len) {
        user.write(gva, src, off, len);
      }

      @Override
      public org.sego.api.posix.Syscalls syscalls() {
        return hap;
      }

      @Override
      public void compute(long ops) {
        user.compute(ops);
      }

      @Override
      public long[] registers() {
        return user.registers();
      }

      @Override
      public int pid() {
        return user.pid();
      }

      @Override
      public org.sego.api.hypercall.Hypercalls hypercalls() {
        return user.hypercalls();
      }
    };
  }

  /** A forked child of a program run as a HAP: it registers and runs on the library too. */
  org.sego.api.sim.Program childAsHap(org.sego.api.sim.Program child) {
    return u -> child.run(new HapRuntime(u, output).asProgram());
  }

  @Override
  public org.sego.api.hap.SecureFiles files() {
    return files;
  }

  @Override
  public UserContext user() {
    return user;
  }

  @Override
  public Syscalls syscalls() {
    return syscalls;
  }

  @Override
  public boolean registered() {
    return registered;
  }

  @Override
  public long allocateSecure(long bytes) {
    long a = syscalls.mmap(0, bytes, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
    if (a < 0) {
      return a;
    }
    if (registered) {
      HypercallResult r = user.hypercalls().call(new HapHypercalls.Protect(a, bytes));
      if (!(r instanceof HypercallResult.Ok)) {
        // Memory the hypervisor would not protect is never handed out as secure.
        syscalls.munmap(a, bytes);
        return -org.sego.api.posix.Errno.EPERM;
      }
      checks.secureRange(a, bytes);
    }
    return a;
  }

  @Override
  public void emit(String label, long value) {
    output.emit(user.pid(), label, value);
  }

  /** A kernel answer failed a check: the library stops the HAP rather than consume it. */
  void halt() {
    String first = checks.failures().get(0);
    int colon = first.indexOf(':');
    // Reported as a violation before anything else leaves the HAP: the hypervisor logs it for the
    // judge and halts the HAP.
    user.hypercalls().call(new HapHypercalls.ReportFailedCheck(first.substring(0, colon), first.substring(colon + 2)));
    emit("iago-violation", checks.failures().size());
    user.syscalls().exit(134);
  }
}
