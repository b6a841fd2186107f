/**
 * The simulation kernel: vCPUs with {@code long}-nanosecond clocks, the event queue, the
 * scheduler that always resumes the vCPU furthest behind, processes as platform threads handing a
 * baton, cost accounts by category and principal, stats and the trace.
 */
@Experimental("composition and lifecycle")
package org.sego.core.sim;

import org.sego.api.Experimental;
