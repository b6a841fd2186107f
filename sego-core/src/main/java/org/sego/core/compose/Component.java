package org.sego.core.compose;

import org.sego.api.Experimental;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginProvider;

/** A validated component: its path in the system tree, its plug-in and its parameters. */
@Experimental("composition and lifecycle")
public record Component(String path, PluginProvider provider, Parameters parameters) {}
