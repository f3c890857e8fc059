package org.guildpkg.tf.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The protocol-neutral prediction layer of a {@link ModelServer}: a request names a served model
 * (a {@link ModelSpec}) and a signature, brings named tensors, and gets named tensors, classes or
 * regression values back, or a {@link PredictionException} of a protocol-neutral kind. The REST
 * API maps JSON to and from it, and the gRPC API ({@code guild-grpc}) maps TensorFlow Serving's
 * protobuf messages, as TensorFlow Serving's REST handler builds a {@code PredictRequest} and calls
 * the predictor its gRPC service uses. So both protocols serve the same models, versions, labels
 * and signatures, refuse the same signatures, batch alike and fail with the same errors.
 *
 * <pre>{@code
 * try (ServableHandle h = server.predictor().open(Predictor.ModelSpec.latest("half_plus_two"))) {
 *   Map<String, TensorProto> y = h.predict("serving_default", Map.of("x", x), Set.of());
 * }
 * }</pre>
 */
public final class Predictor {
  private final ModelRegistry registry;
  private final ServingMetrics metrics = new ServingMetrics();

  Predictor(ModelRegistry registry) {
    this.registry = registry;
  }

  /**
   * Counts one prediction request (predict, classify or regress) for the Prometheus endpoint:
   * its protocol ({@code rest}, {@code grpc}), the model and signature it named, how it ended
   * ({@code error} null: ok) and how long it took. A model or signature that is not served is
   * counted under the empty name, so that clients cannot grow the set of label values.
   */
  public void record(String api, String model, String signature, PredictionException error,
      long nanos) {
    List<Servable> versions = registry.versions(model == null ? "" : model);
    String m = versions.isEmpty() ? "" : model;
    String sig = signature == null || signature.isEmpty() ? "serving_default" : signature;
    String s = versions.stream().anyMatch(v -> v.model.signature(sig).isPresent()) ? sig : "";
    String outcome = error == null ? "ok" : error.kind().name().toLowerCase(java.util.Locale.ROOT);
    metrics.record(new ServingMetrics.Key(api, m, s, outcome), nanos);
  }

  /** The request metrics in Prometheus' text format. */
  String prometheusText() {
    return metrics.text();
  }

  /**
   * Which served model a request names, as TensorFlow Serving's {@code ModelSpec}: a name and at
   * most one of a version and a label; neither names the highest version.
   *
   * @param name the model's name
   * @param version the integer version
   * @param label a version label ({@code latest}, {@code stable} or a package version)
   */
  public record ModelSpec(String name, OptionalLong version, Optional<String> label) {
    /** Checks that the parts are present and at most one of version and label is given. */
    public ModelSpec {
      if (name == null || version == null || label == null) {
        throw new IllegalArgumentException("name, version and label are required");
      }
      if (version.isPresent() && label.isPresent()) {
        throw new PredictionException(PredictionException.Kind.INVALID_ARGUMENT,
            "A model spec names either a version or a label, not both");
      }
    }

    /** The highest version of {@code name}. */
    public static ModelSpec latest(String name) {
      return new ModelSpec(name, OptionalLong.empty(), Optional.empty());
    }
  }

  /**
   * The served model a spec names, held for one request: it stays loaded until the handle is
   * closed, even when it is removed meanwhile.
   *
   * @throws PredictionException NOT_FOUND with TensorFlow Serving's message when none is served
   */
  public ServableHandle open(ModelSpec spec) {
    return new ServableHandle(registry.acquire(spec.name(), spec.version(), spec.label()));
  }

  /**
   * The versions a spec names, for a status request: every served version of the model when the
   * spec names neither a version nor a label, else the one it names.
   *
   * @throws PredictionException NOT_FOUND when none is served
   */
  public List<ServedModel> status(ModelSpec spec) {
    List<ServedModel> out = new ArrayList<>();
    if (spec.version().isEmpty() && spec.label().isEmpty()) {
      registry.versions(spec.name()).forEach(s -> out.add(s.info));
      if (out.isEmpty()) {
        throw ApiException.notFound("Could not find any versions of model " + spec.name());
      }
    } else {
      try (ServableHandle h = open(spec)) {
        out.add(h.model());
      }
    }
    return out;
  }

  /** The versions served, by name then version. */
  public List<ServedModel> models() {
    return registry.list();
  }
}
