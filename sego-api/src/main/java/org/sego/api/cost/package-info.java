/** Cost profiles: every figure of simulated time with its source. */
@Stable(since = "0.1")
package org.sego.api.cost;

import org.sego.api.Stable;
