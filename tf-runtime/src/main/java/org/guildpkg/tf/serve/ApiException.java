package org.guildpkg.tf.serve;

/**
 * A request the REST API refuses, with the HTTP status TensorFlow Serving gives for it (400 for a
 * malformed request or bad input, 403 for a signature that changes the model and is not served, 404
 * for an unknown model or version, 405, 413, 415) and the message that goes into the
 * {@code {"error": "..."}} body. Its {@link #kind()} is the protocol-neutral kind of the status, so
 * the prediction layer may throw it for any protocol.
 */
final class ApiException extends PredictionException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String message) {
    super(Kind.ofHttpStatus(status), message);
    this.status = status;
  }

  ApiException(int status, String message, Throwable cause) {
    super(Kind.ofHttpStatus(status), message, cause);
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
