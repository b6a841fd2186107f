import org.sego.api.wiring.HapLauncher;

/**
 * The trusted library a HAP links (libsego, Overshadow's shim): registration with the hypervisor,
 * secure memory, interposition on every system call with one hypercall, an unprotected bounce area
 * for system-call buffers, and the checks of the kernel's answers. Identical for every strategy.
 */
module org.sego.trustedlib {
  requires org.sego.api;

  provides HapLauncher with org.sego.trustedlib.TrustedLibrary;
}
