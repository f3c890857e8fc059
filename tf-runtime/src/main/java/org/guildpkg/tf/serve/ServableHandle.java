package org.guildpkg.tf.serve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;
import org.guildpkg.tf.model.ModelResult;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.model.TensorSpec;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * One served model version held for one request (see {@link Predictor#open}): its served
 * signatures, and calls of them. Close it when the request ends.
 */
public final class ServableHandle implements AutoCloseable {
  static final String CLASSIFY = "tensorflow/serving/classify";
  static final String REGRESS = "tensorflow/serving/regress";
  static final String PREDICT = "tensorflow/serving/predict";

  /** A path in a message (after a space, quote or its start), to keep server paths from clients. */
  private static final Pattern PATH = Pattern.compile("(?<![\\w.:/])/(?:[^\\s'\"/:,;()]+/)+[^\\s'\",;()]*");

  final Servable servable;
  private boolean closed;

  ServableHandle(Servable servable) {
    this.servable = servable;
  }

  /** The served model version. */
  public ServedModel model() {
    return servable.info;
  }

  /** The signatures served (every signature of the model but the withheld ones), by key. */
  public List<ModelSignature> signatures() {
    List<ModelSignature> out = new ArrayList<>();
    for (ModelSignature s : servable.model.signatures()) {
      if (!servable.withheld.contains(s.key())) {
        out.add(s);
      }
    }
    return out;
  }

  /** The model's signatures that are not served because they change it, with the reason, by key. */
  public Map<String, String> withheld() {
    Map<String, String> out = new TreeMap<>();
    servable.withheld.forEach(k -> out.put(k, withheldReason(k)));
    return out;
  }

  /** Why a signature is not served. */
  static String withheldReason(String key) {
    return "Signature \"" + key + "\" changes the model's variables, so it is not served; the"
        + " operator can allow it with guild serve --allow-signature " + key;
  }

  /**
   * The served signature {@code key} (an empty key is {@code serving_default}).
   *
   * @throws PredictionException INVALID_ARGUMENT when the model has no such signature,
   *     PERMISSION_DENIED when it changes the model and the operator did not allow it
   */
  public ModelSignature signature(String key) {
    String k = key == null || key.isEmpty() ? ModelSignature.SERVING_DEFAULT : key;
    return signature(k, "Serving signature name: \"" + k + "\" not found in signature def");
  }

  ModelSignature signature(String key, String notFound) {
    ModelSignature sig = servable.model.signature(key)
        .orElseThrow(() -> ApiException.badRequest(notFound));
    if (servable.withheld.contains(key)) {
      throw new ApiException(403, withheldReason(key));
    }
    return sig;
  }

  /**
   * Calls a signature with TensorFlow Serving's tensors, as its gRPC Predict does: every input of
   * the signature, by name; the outputs named in {@code outputFilter}, or all when it is empty.
   *
   * @throws PredictionException INVALID_ARGUMENT for a missing, extra or malformed input or an
   *     unknown output, as {@link #signature(String)} does, and as the model's call fails
   */
  public Map<String, TensorProto> predict(String signatureKey, Map<String, TensorProto> inputs,
      Set<String> outputFilter) {
    ModelSignature sig = signature(signatureKey);
    for (String o : outputFilter) {
      if (!sig.outputs().containsKey(o)) {
        throw ApiException.badRequest("output tensor alias not found in signature: " + o
            + " Outputs expected to be in the set {" + String.join(",", sig.outputs().keySet()) + "}.");
      }
    }
    checkFeedable(sig);
    Map<String, HostTensor> in = new LinkedHashMap<>();
    inputs.forEach((name, p) -> in.put(name, TensorProtos.toHost(name, p)));
    Map<String, HostTensor> out = predict(sig, in, sameRows(in));
    Map<String, TensorProto> result = new LinkedHashMap<>();
    out.forEach((name, t) -> {
      if (outputFilter.isEmpty() || outputFilter.contains(name)) {
        result.put(name, TensorProtos.toProto(t));
      }
    });
    return result;
  }

  private static boolean sameRows(Map<String, HostTensor> in) {
    long rows = -1;
    for (HostTensor t : in.values()) {
      if (t.shape().length == 0 || t.rows() < 1 || (rows >= 0 && t.rows() != rows)) {
        return false;
      }
      rows = t.rows();
    }
    return rows > 0;
  }

  /**
   * Calls a signature with tensors on the heap; {@code batchable} (inputs that share dimension 0)
   * lets server-side batching join it with concurrent calls when batching is on.
   */
  Map<String, HostTensor> predict(ModelSignature sig, Map<String, HostTensor> inputs, boolean batchable) {
    return batchable && servable.batcher != null
        ? servable.batcher.run((g, i) -> run(g, i), sig, inputs)
        : run(sig, inputs);
  }

  /** Refuses a signature with an input dtype that cannot be fed (501). */
  static void checkFeedable(ModelSignature sig) {
    for (Map.Entry<String, TensorSpec> e : sig.inputs().entrySet()) {
      DataType dt = e.getValue().dataType();
      if (!HostTensor.canFeed(dt)) {
        throw new ApiException(501, "Conversion of JSON values to type: "
            + JsonTensors.typeName(dt) + " (input " + e.getKey() + " of signature " + sig.key()
            + ") is not supported");
      }
    }
  }

  /** One TensorFlow call; every native tensor is freed before it returns. */
  Map<String, HostTensor> run(ModelSignature sig, Map<String, HostTensor> inputs) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    List<Tensor> owned = new ArrayList<>();
    try {
      for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
        Tensor t = e.getValue().toTensor();
        owned.add(t);
        feeds.put(e.getKey(), t);
      }
      try (ModelResult r = servable.model.call(sig.key(), feeds, SavedModel.ShapeCheck.BROADCAST)) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : r.names()) {
          out.put(name, HostTensor.of(r.get(name)));
        }
        return out;
      }
    } catch (ApiException e) {
      throw e;
    } catch (GuildException e) {
      throw new ApiException(tensorFlowStatus(e), clientMessage(e.getMessage()), e);
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /**
   * A model's error message as a client may see it: the model's folder and any other server path
   * left out.
   */
  String clientMessage(String message) {
    String m = message == null ? "(no message)" : message;
    m = m.replace(servable.model.toString(), "model " + servable.info.name() + " version "
        + servable.info.version());
    m = m.replace(servable.info.path().toString(), "<model>");
    return PATH.matcher(m).replaceAll("<path>");
  }

  /** 400 for a call TensorFlow refuses for its inputs, 500 for TensorFlow's own failures. */
  private static int tensorFlowStatus(GuildException e) {
    Throwable c = e.getCause();
    if (!(c instanceof TensorFlowException)) {
      return 400; // refused before TensorFlow ran: names, dtypes, shapes
    }
    String n = c.getClass().getSimpleName();
    return n.contains("InvalidArgument") || n.contains("OutOfRange") || n.contains("FailedPrecondition")
        ? 400
        : 500;
  }

  // ---- classify and regress -------------------------------------------------------------------

  /**
   * One class of a classification result.
   *
   * @param label the class's label (empty when the signature gives only scores)
   * @param score its score (0 when the signature gives only classes)
   */
  public record Classification(String label, float score) {}

  /**
   * Classifies serialized {@code tf.Example}s with a classify signature (or, as TF2 exports mark
   * every signature predict, one taking a single string input): per example, its classes.
   *
   * @throws PredictionException INVALID_ARGUMENT for a signature that does not classify or whose
   *     outputs do not fit, and as {@link #signature(String)} does
   */
  public List<List<Classification>> classify(String signatureKey, byte[][] examples) {
    String key = emptyIsDefault(signatureKey);
    Map<String, HostTensor> out = runExamples(
        signature(key, "No signature was found with name: " + key), examples, true);
    return classifications(out, examples.length);
  }

  /**
   * Regresses serialized {@code tf.Example}s with a regress signature (or one taking a single
   * string input): one value per example.
   *
   * @throws PredictionException as {@link #classify} does
   */
  public float[] regress(String signatureKey, byte[][] examples) {
    String key = emptyIsDefault(signatureKey);
    Map<String, HostTensor> out = runExamples(
        signature(key, "No signature was found with name: " + key), examples, false);
    return regressions(out, examples.length);
  }

  private static String emptyIsDefault(String key) {
    return key == null || key.isEmpty() ? ModelSignature.SERVING_DEFAULT : key;
  }

  private Map<String, HostTensor> runExamples(ModelSignature sig, byte[][] examples, boolean classify) {
    String want = classify ? CLASSIFY : REGRESS;
    // TF2 exports give every signature the predict method; one taking serialized Examples
    // (a single string input) is still a classify or regress function.
    boolean tf2Style = sig.methodName().equals(PREDICT) && sig.inputs().size() == 1
        && sig.inputs().values().iterator().next().dataType() == DataType.DT_STRING;
    if (!sig.methodName().equals(want) && !tf2Style) {
      throw ApiException.badRequest("Expected " + (classify ? "classification" : "regression")
          + " signature method_name to be " + want + ". Was: " + sig.methodName());
    }
    if (sig.inputs().size() != 1) {
      throw ApiException.badRequest("Expected one input Tensor.");
    }
    String input = sig.inputs().keySet().iterator().next();
    return run(sig, Map.of(input,
        new HostTensor(DataType.DT_STRING, new long[] {examples.length}, examples)));
  }

  private static float[] regressions(Map<String, HostTensor> out, int n) {
    if (out.size() != 1) {
      throw ApiException.badRequest("Expected one output Tensor.");
    }
    HostTensor y = out.values().iterator().next();
    long[] sh = y.shape();
    if (y.dtype() != DataType.DT_FLOAT) {
      throw ApiException.badRequest(
          "Expected output Tensor of DT_FLOAT.  Got: " + y.dtype().name());
    }
    if (!(sh.length == 1 || (sh.length == 2 && sh[1] == 1))) {
      throw ApiException.badRequest("Expected output Tensor shape to be either [batch_size] or"
          + " [batch_size, 1] but got " + JsonTensors.shapeText(sh));
    }
    if (sh[0] != n) {
      throw ApiException.badRequest(
          "Input batch size did not match output batch size: " + n + " vs. " + sh[0]);
    }
    return (float[]) y.data();
  }

  private static List<List<Classification>> classifications(Map<String, HostTensor> out, int n) {
    if (out.isEmpty() || out.size() > 2) {
      throw ApiException.badRequest("Expected one or two output Tensors, found " + out.size());
    }
    HostTensor classes = out.get("classes");
    HostTensor scores = out.get("scores");
    if (classes == null && scores == null) {
      throw ApiException.badRequest("Expected classification signature outputs to contain classes"
          + " or scores; its outputs: " + String.join(", ", out.keySet()));
    }
    long k = -1;
    for (HostTensor h : new HostTensor[] {scores, classes}) {
      if (h == null) {
        continue;
      }
      long[] sh = h.shape();
      if (sh.length != 2) {
        throw ApiException.badRequest("Expected Tensor shape: [batch_size num_classes] but got "
            + JsonTensors.shapeText(sh));
      }
      if (sh[0] != n) {
        throw ApiException.badRequest(
            "Input batch size did not match output batch size: " + n + " vs. " + sh[0]);
      }
      if (k >= 0 && sh[1] != k) {
        throw ApiException.badRequest("Tensors class and score should match in dim[1]: " + k
            + " vs. " + sh[1]);
      }
      k = sh[1];
    }
    if (scores != null && scores.dtype() != DataType.DT_FLOAT) {
      throw ApiException.badRequest("Expected scores Tensor of DT_FLOAT. Got: " + scores.dtype().name());
    }
    if (classes != null && classes.dtype() != DataType.DT_STRING) {
      throw ApiException.badRequest("Expected classes Tensor of DT_STRING. Got: " + classes.dtype().name());
    }
    List<List<Classification>> result = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Classification> row = new ArrayList<>((int) k);
      for (int j = 0; j < k; j++) {
        int at = (int) (i * k + j);
        row.add(new Classification(
            classes == null ? "" : new String(((byte[][]) classes.data())[at], StandardCharsets.UTF_8),
            scores == null ? 0f : ((float[]) scores.data())[at]));
      }
      result.add(row);
    }
    return result;
  }

  /** Ends the request's hold on the model. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      servable.release();
    }
  }
}
