/**
 * The run orchestrator's internals: the user context a process touches memory through, the
 * system-call gate, and the kernel's CPU port. The orchestrator alone constructs untrusted
 * principals and hands them these ports.
 */
@Experimental("composition and lifecycle")
package org.sego.core.run;

import org.sego.api.Experimental;
