package org.guildpkg.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.guildpkg.grpc.proto.ModelSpec;
import org.guildpkg.tf.serve.PredictionException;
import org.guildpkg.tf.serve.Predictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every gRPC method shares: model specs, deadlines, and errors as status codes. */
final class Calls {
  private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

  private Calls() {}

  /** The prediction layer's spec of a request's ModelSpec. */
  static Predictor.ModelSpec spec(ModelSpec m) {
    if (m.getName().isEmpty()) {
      throw new PredictionException(PredictionException.Kind.INVALID_ARGUMENT,
          "Missing ModelSpec");
    }
    OptionalLong version = m.hasVersion() ? OptionalLong.of(m.getVersion().getValue())
        : OptionalLong.empty();
    Optional<String> label = m.getVersionChoiceCase() == ModelSpec.VersionChoiceCase.VERSION_LABEL
        ? Optional.of(m.getVersionLabel()) : Optional.empty();
    return new Predictor.ModelSpec(m.getName(), version, label);
  }

  /** The ModelSpec a response names: the model, its version and the signature that ran. */
  static ModelSpec answered(String name, long version, String signature) {
    return ModelSpec.newBuilder().setName(name)
        .setVersion(com.google.protobuf.Int64Value.of(version))
        .setSignatureName(signature).build();
  }

  /**
   * Runs one prediction call as {@link #run(StreamObserver, Supplier)} does, and counts it in the
   * predictor's metrics under the model and signature its spec names.
   */
  static <T> void prediction(Predictor predictor, ModelSpec spec, StreamObserver<T> out,
      Supplier<T> call) {
    long t0 = System.nanoTime();
    T reply = null;
    Throwable failure = null;
    if (!Context.current().isCancelled()) {
      try {
        reply = call.get();
      } catch (RuntimeException | OutOfMemoryError e) {
        failure = e;
      }
      // Counted before the answer leaves, so a client that scrapes after its answer sees it.
      predictor.record("grpc", spec.getName(), spec.getSignatureName(),
          failure == null ? null : failure instanceof PredictionException p ? p
              : new PredictionException(PredictionException.Kind.INTERNAL, "internal"),
          System.nanoTime() - t0);
    }
    T answer = reply;
    Throwable error = failure;
    run(out, () -> {
      if (error instanceof RuntimeException e) {
        throw e;
      }
      if (error instanceof Error e) {
        throw e;
      }
      return answer;
    });
  }

  /** Runs one unary call: its answer, or its error as TensorFlow Serving's status code. */
  static <T> void run(StreamObserver<T> out, Supplier<T> call) {
    if (Context.current().isCancelled()) {
      out.onError(Status.DEADLINE_EXCEEDED.withDescription(
          "the call's deadline passed before it ran").asRuntimeException());
      return;
    }
    T reply;
    try {
      reply = call.get();
    } catch (PredictionException e) {
      out.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    } catch (RuntimeException | OutOfMemoryError e) {
      LOG.warn("gRPC call failed", e);
      // The exception stays in the log: it may name server paths and internals.
      out.onError(Status.INTERNAL.withDescription("Internal error; the server's log has the details")
          .asRuntimeException());
      return;
    }
    out.onNext(reply);
    out.onCompleted();
  }

  /** TensorFlow Serving's status code of an error kind. */
  static Status status(PredictionException e) {
    return switch (e.kind()) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case NOT_FOUND -> Status.NOT_FOUND;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case UNIMPLEMENTED -> Status.UNIMPLEMENTED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case INTERNAL -> Status.INTERNAL;
    };
  }
}
