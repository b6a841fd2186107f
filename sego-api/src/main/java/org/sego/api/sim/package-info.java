/**
 * The simulation as plug-ins see it: clocks and events, cost categories and principals, processes
 * ({@link org.sego.api.sim.Program}, {@link org.sego.api.sim.UserContext}) and stats.
 */
@Stable(since = "0.1")
package org.sego.api.sim;

import org.sego.api.Stable;
