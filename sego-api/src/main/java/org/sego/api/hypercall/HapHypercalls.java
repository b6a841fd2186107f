package org.sego.api.hypercall;

import org.sego.api.Experimental;

/**
 * The trusted library's hypercalls, the same for every strategy. Each is sent by the library of a
 * HAP on its own port ({@link Caller.Mode#HAP}); the shell refuses every one of them from the
 * kernel's port, so a kernel cannot act in a HAP's name through its own port. A strategy that offers nothing refuses
 * them all, and the library then runs the HAP unprotected with its checks passed through.
 */
@Experimental("the hypercall catalogue")
public final class HapHypercalls {
  private HapHypercalls() {}

  /**
   * The calling process asks to become a HAP. {@code Ok(hapId)}: from now on it is protected and
   * {@code GuestProcesses.isHap} answers true. {@code Refused}: nothing is protected here.
   */
  public record Register() implements HapHypercall {
    @Override
    public String name() {
      return "hap-register";
    }
  }

  /** Protects {@code [gva, gva + length)} of the calling HAP. {@code Refused}: the range stays the OS's to read. */
  public record Protect(long gva, long length) implements HapHypercall {
    @Override
    public String name() {
      return "hap-protect";
    }
  }

  /**
   * The library's interposition on one system call (libsego and Overshadow's shim both make it, so
   * every protecting strategy pays the same). {@code Refused} changes nothing.
   */
  public record Interpose(String syscall) implements HapHypercall {
    @Override
    public String name() {
      return "syscall-interpose";
    }
  }

  /**
   * The HAP declares that its pages {@code [gva, gva + length)} (page-aligned) should hold object
   * {@code objectId} (a secure file's OID, or 0 for anonymous memory) from {@code offset} on:
   * {@code Ok(token)}, the intent a strategy checks the kernel's mappings against. {@code Refused}:
   * the strategy keeps no intents.
   */
  public record DeclareIntent(long gva, long length, long objectId, long offset) implements HapHypercall {
    @Override
    public String name() {
      return "declare-intent";
    }
  }

  /**
   * The HAP asks the hypervisor whether its page tables map {@code [gva, gva + length)} (page-aligned)
   * no more than {@code prot} allows ({@code Mman.PROT_*}; -1: not at all, after an munmap). {@code
   * Ok(0)} when they agree; {@code Violation} naming the first page that does not (an munmap or
   * mprotect the kernel reported but did not do).
   */
  public record CheckMapping(long gva, long length, int prot) implements HapHypercall {
    @Override
    public String name() {
      return "check-mapping";
    }
  }

  /**
   * With {@code upTo < 0}, before the HAP's {@code commit} syncs the kernel's directory: {@code
   * Ok(ticket)}, the hypervisor's count of name changes so far. With the ticket, once that sync
   * returned: the names bound or renamed up to it are durable in the kernel's file system, and the
   * hypervisor holds them to it from now on, across crashes ({@code Ok} once its record is durable);
   * a name another HAP bound meanwhile waits for its own commit.
   */
  public record CommitNames(long upTo) implements HapHypercall {
    @Override
    public String name() {
      return "secure-file-commit";
    }
  }

  /**
   * How many secure-file names the hypervisor binds directly in directory {@code dir} that the guest's
   * file system must hold (those lost in a crash before the HAP committed them left out): {@code Ok(n)}.
   */
  public record CountSecureFiles(String dir) implements HapHypercall {
    @Override
    public String name() {
      return "secure-file-count";
    }
  }

  /**
   * The OID the hypervisor binds {@code path} to, if the guest's file system must hold it: {@code
   * Ok(oid)}, or {@code Ok(0)} when none, or when a crash before the HAP committed it may have lost it
   * (nothing is bound).
   */
  public record LookupSecureFile(String path) implements HapHypercall {
    @Override
    public String name() {
      return "secure-file-lookup";
    }
  }

  /** The HAP unmapped {@code [gva, gva + length)} (page-aligned): no intent holds there any more. {@code Refused}: none there. */
  public record RevokeIntent(long gva, long length) implements HapHypercall {
    @Override
    public String name() {
      return "revoke-intent";
    }
  }

  /**
   * Binds secure-file {@code path} of the calling HAP's namespace to an object: {@code Ok(oid)},
   * the existing OID if the path is bound, else a new one. {@code Refused}: no secure files here
   * (the library then uses ordinary files).
   */
  public record BindSecureFile(String path) implements HapHypercall {
    @Override
    public String name() {
      return "secure-file-bind";
    }
  }

  /**
   * Removes {@code path} from the HAP's secure namespace; its OID never returns. While any HAP
   * holds the file open (it bound it at its open and has not sent {@link ReleaseSecureFile}; {@code
   * held}: the caller does) the file lives on, unnamed (POSIX: an unlinked file lives until its
   * last close); otherwise its pages and length go now. {@code Ok(oid)}; {@code Refused}: not bound.
   */
  public record UnbindSecureFile(String path, boolean held) implements HapHypercall {
    /** An unbind of a file the HAP does not hold open. */
    public UnbindSecureFile(String path) {
      this(path, false);
    }

    @Override
    public String name() {
      return "secure-file-unbind";
    }
  }

  /**
   * The HAP closed its last descriptor of secure file {@code objectId}: it holds it no more. A file
   * whose name went and that no HAP holds any more goes now. {@code Refused}: the HAP held no such
   * file open.
   */
  public record ReleaseSecureFile(long objectId) implements HapHypercall {
    @Override
    public String name() {
      return "secure-file-release";
    }
  }

  /**
   * Renames {@code from} to {@code to} in the HAP's secure namespace (what {@code to} named is
   * unbound; with {@code replacedHeld} the HAP holds that file open, and it lives until {@link
   * ReleaseSecureFile}). {@code Ok(oid of the replaced file, or 0)}; {@code Refused}: not bound.
   */
  public record RenameSecureFile(String from, String to, boolean replacedHeld) implements HapHypercall {
    /** A rename that replaces no file the HAP holds open. */
    public RenameSecureFile(String from, String to) {
      this(from, to, false);
    }

    @Override
    public String name() {
      return "secure-file-rename";
    }
  }

  /**
   * The length of secure file {@code objectId} as the hypervisor tracks it: {@code length < 0} asks
   * ({@code Ok(length)}), else sets it. The library trusts this length, never the kernel's {@code stat}.
   */
  public record SecureFileLength(long objectId, long length) implements HapHypercall {
    @Override
    public String name() {
      return "secure-file-length";
    }
  }

  /**
   * After the kernel's {@code fsync} returned: {@code Ok} only when the hypervisor has made the
   * file's dirty pages and their metadata durable. {@code Refused} or {@code Violation}: the fsync
   * must not be reported as done.
   */
  public record ConfirmDurable(long objectId) implements HapHypercall {
    @Override
    public String name() {
      return "confirm-durable";
    }
  }

  /** Entropy the kernel cannot see or bias: {@code Ok(64 random bits)} from the strategy's seeded stream. */
  public record Entropy() implements HapHypercall {
    @Override
    public String name() {
      return "entropy";
    }
  }

  /**
   * The library's own check of a kernel answer failed: the shell raises a violation with {@code
   * check} and {@code evidence} and halts the HAP, whatever the strategy (even {@code none}).
   */
  public record ReportFailedCheck(String check, String evidence) implements HapHypercall {
    @Override
    public String name() {
      return "report-failed-check";
    }
  }
}
