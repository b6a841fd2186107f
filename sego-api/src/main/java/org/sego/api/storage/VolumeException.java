package org.sego.api.storage;

import org.sego.api.Experimental;

/** A volume could not be opened or used; the message names the file and the problem. */
@Experimental("composition and lifecycle")
public class VolumeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VolumeException(String message) {
    super(message);
  }

  public VolumeException(String message, Throwable cause) {
    super(message, cause);
  }
}
