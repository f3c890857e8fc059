package org.guildpkg.tf.serve;

import org.guildpkg.GuildException;

/**
 * A request the REST API refuses, with the HTTP status TensorFlow Serving gives for it (400 for a
 * malformed request or bad input, 403 for a signature that changes the model and is not served, 404 for an unknown model or
 * version, 405, 413, 415) and the
 * message that goes into the {@code {"error": "..."}} body.
 */
final class ApiException extends GuildException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  ApiException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status code. */
  int status() {
    return status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }
}
