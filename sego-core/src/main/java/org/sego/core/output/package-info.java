/** Run folders: {@code config.json}, {@code stats.json}, and deterministic JSON writing. */
@Experimental("results")
package org.sego.core.output;

import org.sego.api.Experimental;
