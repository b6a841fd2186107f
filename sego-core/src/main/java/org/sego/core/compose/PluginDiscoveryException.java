package org.sego.core.compose;

import org.sego.api.Experimental;

/** Plug-in discovery failed: a broken provider, or two providers with one kind and name. */
@Experimental("composition and lifecycle")
public final class PluginDiscoveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PluginDiscoveryException(String message) {
    super(message);
  }

  public PluginDiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
