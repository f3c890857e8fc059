package org.guildpkg.transport;

/**
 * A mirror refused a request for want of credentials, or refused the credentials given (HTTP 401
 * or 403). Not transient; its message names the mirror and what to set, never a secret.
 */
public class AuthenticationException extends TransportException {
  private static final long serialVersionUID = 1L;

  /** An exception with a one-line message naming the mirror and what to set. */
  public AuthenticationException(String message) {
    super(message, false, null);
  }
}
