/** Stability annotations shared by every Sego module. */
@Stable(since = "0.1")
package org.sego.api;
