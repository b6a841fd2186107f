/**
 * Unit-bearing value types ({@link org.sego.api.units.DataSize}, {@link
 * org.sego.api.units.Duration}, {@link org.sego.api.units.Bandwidth}) and their string forms.
 */
@Stable(since = "0.1")
package org.sego.api.units;

import org.sego.api.Stable;
