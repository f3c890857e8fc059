package org.guildpkg.tf.serve;

import org.guildpkg.GuildException;

/**
 * A prediction request the server refuses or cannot answer, with the kind of error TensorFlow
 * Serving gives for it; each protocol maps the kind to its own status (REST: an HTTP status,
 * gRPC: a status code) and sends the message, which never names server paths.
 */
public class PredictionException extends GuildException {
  private static final long serialVersionUID = 1L;

  /** TensorFlow Serving's error codes for the errors a prediction can meet. */
  public enum Kind {
    /** A malformed request or input the model cannot take (HTTP 400). */
    INVALID_ARGUMENT(400),
    /** The operator does not serve what was asked for, such as a signature that changes the model (HTTP 403). */
    PERMISSION_DENIED(403),
    /** No such model, version or label (HTTP 404). */
    NOT_FOUND(404),
    /** The request is too large for the server's limits (HTTP 413). */
    RESOURCE_EXHAUSTED(413),
    /** A feature the server does not implement, such as an input dtype (HTTP 501). */
    UNIMPLEMENTED(501),
    /** The server is busy or out of memory; retry later (HTTP 503). */
    UNAVAILABLE(503),
    /** The model failed in a way the request did not cause (HTTP 500). */
    INTERNAL(500);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status TensorFlow Serving's REST API answers for this kind. */
    public int httpStatus() {
      return httpStatus;
    }

    /** The kind of an HTTP status (400 and other 4xx: INVALID_ARGUMENT). */
    static Kind ofHttpStatus(int status) {
      return switch (status) {
        case 403 -> PERMISSION_DENIED;
        case 404 -> NOT_FOUND;
        case 413 -> RESOURCE_EXHAUSTED;
        case 501 -> UNIMPLEMENTED;
        case 503 -> UNAVAILABLE;
        default -> status >= 500 ? INTERNAL : INVALID_ARGUMENT;
      };
    }
  }

  private final Kind kind;

  /** An error of {@code kind}; {@code message} goes to the client. */
  public PredictionException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  /** An error of {@code kind} with its cause, which stays on the server. */
  public PredictionException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What kind of error it is. */
  public Kind kind() {
    return kind;
  }
}
