package org.sego.api.hypercall;

import org.sego.api.Experimental;

/** A hypercall only the kernel makes: the shell refuses it, counted, when it arrives on a process's port. */
@Experimental("the hypercall catalogue")
public interface KernelHypercall extends Hypercall {}
