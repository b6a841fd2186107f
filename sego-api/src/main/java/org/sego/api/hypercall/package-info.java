/**
 * The hypercall catalogue in one place: {@link org.sego.api.hypercall.Hypercall} and its results,
 * the port the guest calls through ({@link org.sego.api.hypercall.Hypercalls}), what a strategy
 * offers ({@link org.sego.api.hypercall.Capabilities}), the kernel's calls ({@link
 * org.sego.api.hypercall.KernelHypercalls}) and the trusted library's ({@link
 * org.sego.api.hypercall.HapHypercalls}). Open: a plug-in adds its own records implementing
 * {@code Hypercall}.
 */
@Experimental("the hypercall catalogue")
package org.sego.api.hypercall;

import org.sego.api.Experimental;
