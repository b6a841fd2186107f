package org.sego.api.guest;

import org.sego.api.Experimental;
import org.sego.api.posix.SignalHandler;

/** A signal the kernel delivers on return to user mode: the handler runs, then {@code sigreturn}. */
@Experimental("grows with the guest kernel")
public record SignalDelivery(int signal, SignalHandler handler) {}
