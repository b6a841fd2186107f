/**
 * POSIX as the guest offers it: the system calls ({@link org.sego.api.posix.Syscalls}), error
 * numbers, file, mapping and signal constants, with Linux's values. Nothing here knows about the
 * simulation.
 */
@Experimental("grows with the guest kernel")
package org.sego.api.posix;

import org.sego.api.Experimental;
