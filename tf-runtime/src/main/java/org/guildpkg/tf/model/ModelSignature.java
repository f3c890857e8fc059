package org.guildpkg.tf.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.SignatureDef;

/**
 * One signature of a {@link SavedModel}: a named function with typed inputs and outputs, read from
 * the SavedModel's SignatureDefs.
 *
 * @param key the signature's key, such as {@code serving_default} or {@code regress_x_to_y}
 * @param methodName TensorFlow Serving's method name: {@code tensorflow/serving/predict},
 *     {@code .../regress} or {@code .../classify} (empty when the model gives none)
 * @param inputs the inputs by name, sorted
 * @param outputs the outputs by name, sorted
 */
public record ModelSignature(
    String key, String methodName, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs) {

  /** The key of the signature that serving and {@code guild check} use by default. */
  public static final String SERVING_DEFAULT = "serving_default";

  /** Copies the maps, keeping their order, and checks that the parts are present. */
  public ModelSignature {
    if (key == null || methodName == null || inputs == null || outputs == null) {
      throw new IllegalArgumentException("key, methodName, inputs and outputs are required");
    }
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }

  static ModelSignature of(String key, SignatureDef def) {
    Map<String, TensorSpec> in = new TreeMap<>();
    def.getInputsMap().forEach((n, t) -> in.put(n, TensorSpec.of(t)));
    Map<String, TensorSpec> out = new TreeMap<>();
    def.getOutputsMap().forEach((n, t) -> out.put(n, TensorSpec.of(t)));
    return new ModelSignature(key, def.getMethodName(), in, out);
  }

  /**
   * The manifest's JSON form of one signature:
   * {@code {"method": "...", "inputs": {"x": {"dtype": ..., "shape": ...}}, "outputs": {...}}}.
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("method", methodName);
    ObjectNode in = o.putObject("inputs");
    inputs.forEach((k, v) -> in.set(k, v.toJson()));
    ObjectNode out = o.putObject("outputs");
    outputs.forEach((k, v) -> out.set(k, v.toJson()));
    return o;
  }

  /** The manifest's {@code "signatures"} object: each signature's JSON form under its key. */
  public static ObjectNode toJson(List<ModelSignature> signatures) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    signatures.forEach(s -> o.set(s.key(), s.toJson()));
    return o;
  }

  @Override
  public String toString() {
    return key + " (" + methodName + "): " + inputs + " -> " + outputs;
  }
}
