package org.guildpkg.transport;

import org.guildpkg.GuildException;

/**
 * A failed transfer: a mirror that cannot be reached, an HTTP error status, a transfer that ends
 * early. {@link #isTransient()} tells whether trying again may help (connection errors, 5xx,
 * 408, 429, an early end) or not (404, 403 and other client errors).
 */
public class TransportException extends GuildException {
  private static final long serialVersionUID = 1L;
  private final boolean transientFailure;

  /** Creates an exception; {@code transientFailure} says whether a retry may succeed. */
  public TransportException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** True when trying the same request again may succeed. */
  public boolean isTransient() {
    return transientFailure;
  }
}
