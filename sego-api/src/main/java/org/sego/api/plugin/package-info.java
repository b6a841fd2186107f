/**
 * Plug-in discovery: {@link org.sego.api.plugin.PluginProvider}, its kinds, and typed parameter
 * schemas with units, defaults and descriptions.
 */
@Stable(since = "0.1")
package org.sego.api.plugin;

import org.sego.api.Stable;
