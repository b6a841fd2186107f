package org.sego.api.hypercall;

import org.sego.api.Experimental;

/** A hypercall only a HAP may make: the shell refuses it, counted, when it arrives on the kernel's port. */
@Experimental("the hypercall catalogue")
public interface HapHypercall extends Hypercall {}
