package org.guildpkg.tf.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.guildpkg.GuildException;

/**
 * Checks whether a model's signatures accept a dataset's features: the question {@code guild check}
 * answers before a model is trained on, evaluated on or served with a dataset.
 *
 * <p>A signature input accepts a feature of the same name when their dtypes are equal and the
 * input's shape, without its first (batch) dimension, matches the feature's per-example shape
 * (unknown dimensions, -1, match any size; an input of unknown rank matches any shape). The
 * features are those of a dataset manifest's {@code "features"} object
 * ({@code {"image": {"dtype": "uint8", "shape": [28, 28]}, "label": {...}}}).
 *
 * <pre>{@code
 * List<FeatureCheck.Match> m = FeatureCheck.check(model, manifest.interfaceData().path("features"));
 * boolean ok = m.stream().allMatch(FeatureCheck.Match::ok);
 * }</pre>
 */
public final class FeatureCheck {
  /** The signatures checked, when the model has them: inference, then training. */
  public static final List<String> SIGNATURES = List.of(ModelSignature.SERVING_DEFAULT, "train");

  private FeatureCheck() {}

  /**
   * One signature input against the dataset feature of its name.
   *
   * @param feature the feature's dtype and per-example shape, empty when the dataset has none of
   *     that name
   * @param problem why the input does not accept the feature, empty when it does
   */
  public record Match(
      String signature, String input, TensorSpec spec, Optional<Feature> feature,
      Optional<String> problem) {
    /** True when the input accepts the feature. */
    public boolean ok() {
      return problem.isEmpty();
    }
  }

  /** A dataset feature as the manifest gives it: dtype and per-example shape. */
  public record Feature(String name, String dtype, List<Long> shape) {
    /** Copies the shape. */
    public Feature {
      shape = List.copyOf(shape);
    }

    @Override
    public String toString() {
      return dtype + " " + shape;
    }
  }

  /**
   * Matches every input of the model's {@code serving_default} and {@code train} signatures (those
   * it has) against {@code features}.
   *
   * @throws GuildException when the model has neither signature
   */
  public static List<Match> check(SavedModel model, JsonNode features) {
    Map<String, Feature> byName = new TreeMap<>();
    features.fields().forEachRemaining(e -> {
      List<Long> shape = new ArrayList<>();
      e.getValue().path("shape").forEach(d -> shape.add(d.asLong()));
      byName.put(e.getKey(), new Feature(e.getKey(), e.getValue().path("dtype").asText("?"), shape));
    });
    List<Match> out = new ArrayList<>();
    for (String key : SIGNATURES) {
      Optional<ModelSignature> sig = model.signature(key);
      if (sig.isEmpty()) {
        continue;
      }
      sig.get().inputs().forEach((name, spec) -> {
        Optional<Feature> f = Optional.ofNullable(byName.get(name));
        out.add(new Match(key, name, spec, f, f.isEmpty()
            ? Optional.of("the dataset has no feature '" + name + "' (features: "
                + String.join(", ", byName.keySet()) + ")")
            : problem(spec, f.get())));
      });
    }
    if (out.isEmpty()) {
      String have = model.signatures().stream().map(ModelSignature::key).collect(Collectors.joining(", "));
      throw new GuildException(
          model + " has no serving_default or train signature to check (its signatures: " + have
              + ")");
    }
    return out;
  }

  private static Optional<String> problem(TensorSpec spec, Feature f) {
    if (!spec.dtype().equals(f.dtype())) {
      return Optional.of("dtype " + spec.dtype() + " is not the feature's " + f.dtype());
    }
    if (spec.unknownRank()) {
      return Optional.empty();
    }
    List<Long> dims = spec.dims();
    if (dims.size() != f.shape().size() + 1) {
      return Optional.of("shape " + spec.shapeText() + " is not a batch of the feature's " + f.shape());
    }
    for (int i = 0; i < f.shape().size(); i++) {
      long a = dims.get(i + 1);
      long b = f.shape().get(i);
      if (a >= 0 && b >= 0 && a != b) {
        return Optional.of("shape " + spec.shapeText() + " is not a batch of the feature's " + f.shape());
      }
    }
    return Optional.empty();
  }
}
