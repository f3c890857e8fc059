package org.guildpkg.tf.serve;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;
import org.guildpkg.tf.model.ModelResult;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.model.TensorSpec;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.DataType;

/**
 * TensorFlow Serving's REST API over a {@link ModelRegistry}, apart from HTTP: a method, a raw path
 * and a body in, a status and a JSON body out (as its {@code http_rest_api_handler.cc}).
 */
final class RestApi {
  /** JSON nesting deeper than this is refused while parsing (a rank-60 tensor still fits). */
  static final int MAX_NESTING = 64;
  /** Longer number literals are refused while parsing. */
  static final int MAX_NUMBER_LENGTH = 100;

  static final String CLASSIFY = "tensorflow/serving/classify";
  static final String REGRESS = "tensorflow/serving/regress";
  static final String PREDICT = "tensorflow/serving/predict";

  private static final Pattern PREDICTION = Pattern.compile(
      "(?i)/v1/models/([^/:]+)(?:/versions/(\\d+)|/labels/([^/:]+))?:(classify|regress|predict)");
  private static final Pattern STATUS = Pattern.compile(
      "(?i)/v1/models(?:/([^/:]+))?(?:/versions/(\\d+)|/labels/([^/:]+))?(?:/(metadata))?");

  /** A reply: status, JSON body, and an {@code Allow} header for 405. */
  record Reply(int status, ReplyBody body, Optional<String> allow) {}

  private final ModelRegistry registry;
  private final ObjectMapper mapper;
  private final JsonFactory factory;

  RestApi(ModelRegistry registry, long maxBodyBytes) {
    this.registry = registry;
    this.factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBodyBytes))
            .maxDocumentLength(maxBodyBytes)
            .build())
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
        .build();
    this.mapper = JsonMapper.builder(factory)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        // Decimals are parsed exactly (so overflow is told from Infinity) but kept as compact
        // shared nodes; see CompactNodes.
        .nodeFactory(new CompactNodes())
        .build();
  }

  /** Answers one request; never throws for anything a client sends. */
  Reply handle(String method, String rawPath, byte[] body) {
    try {
      return new Reply(200, route(method, rawPath, body), Optional.empty());
    } catch (ApiException e) {
      Optional<String> allow = e.status() == 405
          ? Optional.of(PREDICTION.matcher(rawPath).matches() ? "POST" : "GET")
          : Optional.empty();
      return new Reply(e.status(), error(e.getMessage()), allow);
    }
  }

  /** The JSON error body: {@code {"error": "..."}}. */
  ReplyBody error(String message) {
    return write(g -> g.writeStringField("error", message));
  }

  private ReplyBody route(String method, String rawPath, byte[] body) {
    Matcher p = PREDICTION.matcher(rawPath);
    Matcher s = STATUS.matcher(rawPath);
    if (p.matches()) {
      if (!method.equals("POST")) {
        throw new ApiException(405, "Method not allowed: " + method + " " + rawPath + "; use POST");
      }
      Target t = target(p.group(1), p.group(2), p.group(3));
      String verb = p.group(4).toLowerCase(java.util.Locale.ROOT);
      JsonNode doc = parse(body);
      return switch (verb) {
        case "predict" -> predict(t, doc);
        case "classify" -> classifyOrRegress(t, doc, true);
        default -> classifyOrRegress(t, doc, false);
      };
    }
    if (s.matches()) {
      if (!method.equals("GET")) {
        throw new ApiException(405, "Method not allowed: " + method + " " + rawPath + "; use GET");
      }
      if (s.group(1) == null) {
        throw ApiException.badRequest("Missing model name in request.");
      }
      Target t = target(s.group(1), s.group(2), s.group(3));
      return s.group(4) != null ? metadata(t) : status(t);
    }
    if (rawPath.regionMatches(true, 0, "/v1/", 0, 4)) {
      throw ApiException.badRequest("Malformed request: " + method + " " + rawPath);
    }
    throw ApiException.notFound("Not found: " + rawPath + "; TensorFlow Serving's REST API is under"
        + " /v1/models/NAME");
  }

  /** The model name, version and label of a request's path. */
  record Target(String name, OptionalLong version, Optional<String> label) {}

  private static Target target(String rawName, String version, String label) {
    String name = decode(rawName, "model name");
    OptionalLong v = OptionalLong.empty();
    if (version != null) {
      try {
        v = OptionalLong.of(Long.parseLong(version));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Failed to convert version: " + version + " to numeric.");
      }
    }
    return new Target(name, v,
        label == null ? Optional.empty() : Optional.of(decode(label, "model version label")));
  }

  /** Percent-decoding of a path segment ({@code +} stays a plus, as in model names). */
  static String decode(String raw, String what) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw ApiException.badRequest("Failed to decode " + what + ":" + raw);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("JSON Parse error: The document is empty");
    }
    JsonNode doc;
    try {
      doc = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("JSON Parse error: " + firstLine(e.getOriginalMessage()) + " at offset: "
          + (e.getLocation() == null ? 0 : e.getLocation().getByteOffset()));
    } catch (IOException e) {
      throw ApiException.badRequest("JSON Parse error: " + firstLine(e.getMessage()));
    }
    if (doc == null || doc.isMissingNode()) {
      throw ApiException.badRequest("JSON Parse error: The document is empty");
    }
    if (!doc.isObject()) {
      throw ApiException.badRequest("JSON Value: " + JsonTensors.echo(doc) + " Is not object");
    }
    return doc;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  // ---- predict --------------------------------------------------------------------------------

  private ReplyBody predict(Target t, JsonNode doc) {
    String sigName = signatureName(doc);
    Servable s = registry.acquire(t.name(), t.version(), t.label());
    try {
      ModelSignature sig = signature(s, sigName, "Serving signature name: \"" + sigName
          + "\" not found in signature def");
      JsonNode instances = doc.get("instances");
      JsonNode inputs = doc.get("inputs");
      if (instances != null && inputs != null) {
        throw ApiException.badRequest("JSON Value: " + JsonTensors.echo(doc)
            + " Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
      }
      if (instances == null && inputs == null) {
        throw ApiException.badRequest("Missing 'inputs' or 'instances' key");
      }
      checkFeedable(sig);
      if (instances != null) {
        if (sig.inputs().isEmpty()) {
          throw ApiException.badRequest("Failed to get input map for signature: " + sigName
              + " (it has no inputs: send \"inputs\": {})");
        }
        if (!instances.isArray()) {
          throw ApiException.badRequest("JSON Value: " + JsonTensors.echo(doc)
              + " Excepting 'instances' to be an list/array");
        }
        if (instances.isEmpty()) {
          throw ApiException.badRequest(
              "JSON Value: " + JsonTensors.echo(doc) + " No values in 'instances' array");
        }
        Map<String, HostTensor> in = JsonTensors.fromInstances(instances, sig.inputs());
        Map<String, HostTensor> out = s.batcher != null
            ? s.batcher.run((g, i) -> run(s, g, i), sig, in)
            : run(s, sig, in);
        return write(g -> JsonTensors.writePredictions(g, out));
      }
      Map<String, HostTensor> in = sig.inputs().isEmpty() && inputs.isObject()
          ? Map.of()
          : JsonTensors.fromInputs(inputs, sig.inputs());
      Map<String, HostTensor> out = run(s, sig, in);
      return write(g -> JsonTensors.writeOutputs(g, out));
    } finally {
      s.release();
    }
  }

  /**
   * The signature a request names: 400 with {@code notFound} when the model has none such, 403
   * when it changes the model's state and the operator did not allow it.
   */
  static ModelSignature signature(Servable s, String key, String notFound) {
    ModelSignature sig = s.model.signature(key).orElseThrow(() -> ApiException.badRequest(notFound));
    if (s.withheld.contains(key)) {
      throw new ApiException(403, withheldReason(key));
    }
    return sig;
  }

  /** Why a signature is not served. */
  static String withheldReason(String key) {
    return "Signature \"" + key + "\" changes the model's variables, so it is not served; the"
        + " operator can allow it with guild serve --allow-signature " + key;
  }

  private static String signatureName(JsonNode doc) {
    JsonNode n = doc.get("signature_name");
    if (n == null) {
      return ModelSignature.SERVING_DEFAULT;
    }
    if (!n.isTextual()) {
      throw ApiException.badRequest("JSON Value: " + JsonTensors.echo(doc)
          + " not formatted correctly. 'signature_name' key must be a string value.");
    }
    return n.textValue().isEmpty() ? ModelSignature.SERVING_DEFAULT : n.textValue();
  }

  private static void checkFeedable(ModelSignature sig) {
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
  static Map<String, HostTensor> run(Servable s, ModelSignature sig, Map<String, HostTensor> inputs) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    List<Tensor> owned = new ArrayList<>();
    try {
      for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
        Tensor t = e.getValue().toTensor();
        owned.add(t);
        feeds.put(e.getKey(), t);
      }
      try (ModelResult r = s.model.call(sig.key(), feeds, SavedModel.ShapeCheck.BROADCAST)) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : r.names()) {
          out.put(name, HostTensor.of(r.get(name)));
        }
        return out;
      }
    } catch (ApiException e) {
      throw e;
    } catch (GuildException e) {
      throw new ApiException(tensorFlowStatus(e), e.getMessage(), e);
    } finally {
      owned.forEach(Tensor::close);
    }
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

  private ReplyBody classifyOrRegress(Target t, JsonNode doc, boolean classify) {
    String sigName = signatureName(doc);
    byte[][] examples = JsonExamples.serialize(doc);
    Servable s = registry.acquire(t.name(), t.version(), t.label());
    try {
      ModelSignature sig = signature(s, sigName, "No signature was found with name: " + sigName);
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
      Map<String, HostTensor> out = run(s, sig, Map.of(input,
          new HostTensor(DataType.DT_STRING, new long[] {examples.length}, examples)));
      return classify ? classifyReply(out, examples.length) : regressReply(out, examples.length);
    } finally {
      s.release();
    }
  }

  private ReplyBody regressReply(Map<String, HostTensor> out, int n) {
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
    float[] v = (float[]) y.data();
    return write(g -> {
      g.writeArrayFieldStart("results");
      for (float f : v) {
        g.writeNumber(f);
      }
      g.writeEndArray();
    });
  }

  private ReplyBody classifyReply(Map<String, HostTensor> out, int n) {
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
    long perExample = k;
    return write(g -> {
      g.writeArrayFieldStart("results");
      for (int i = 0; i < n; i++) {
        g.writeStartArray();
        for (int j = 0; j < perExample; j++) {
          int at = (int) (i * perExample + j);
          g.writeStartArray();
          g.writeString(classes == null ? "" : new String(((byte[][]) classes.data())[at], StandardCharsets.UTF_8));
          g.writeNumber(scores == null ? 0f : ((float[]) scores.data())[at]);
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    });
  }

  // ---- status and metadata --------------------------------------------------------------------

  private ReplyBody status(Target t) {
    List<Servable> chosen = new ArrayList<>();
    if (t.version().isEmpty() && t.label().isEmpty()) {
      chosen.addAll(registry.versions(t.name()));
      if (chosen.isEmpty()) {
        throw ApiException.notFound("Could not find any versions of model " + t.name());
      }
    } else {
      Servable s = registry.acquire(t.name(), t.version(), t.label());
      s.release();
      chosen.add(s);
    }
    return write(g -> {
      g.writeArrayFieldStart("model_version_status");
      for (Servable s : chosen) {
        g.writeStartObject();
        g.writeStringField("version", Long.toString(s.info.version()));
        g.writeStringField("state", "AVAILABLE");
        g.writeObjectFieldStart("status");
        g.writeStringField("error_code", "OK");
        g.writeStringField("error_message", "");
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  private ReplyBody metadata(Target t) {
    Servable s = registry.acquire(t.name(), t.version(), t.label());
    try {
      return write(g -> {
        g.writeObjectFieldStart("model_spec");
        g.writeStringField("name", s.info.name());
        g.writeStringField("signature_name", "");
        g.writeStringField("version", Long.toString(s.info.version()));
        g.writeEndObject();
        g.writeObjectFieldStart("metadata");
        g.writeObjectFieldStart("signature_def");
        g.writeObjectFieldStart("signature_def");
        for (ModelSignature sig : s.model.signatures()) {
          if (s.withheld.contains(sig.key())) {
            continue;
          }
          g.writeObjectFieldStart(sig.key());
          writeTensorInfos(g, "inputs", sig.inputs());
          writeTensorInfos(g, "outputs", sig.outputs());
          g.writeStringField("method_name", sig.methodName());
          g.writeObjectFieldStart("defaults");
          g.writeEndObject();
          g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
        if (!s.withheld.isEmpty()) {
          g.writeObjectFieldStart("withheld_signatures");
          for (String key : s.withheld) {
            g.writeStringField(key, withheldReason(key));
          }
          g.writeEndObject();
        }
        g.writeEndObject();
      });
    } finally {
      s.release();
    }
  }

  /** TensorInfo protos as protobuf's JSON mapping writes them (int64 sizes as strings). */
  private static void writeTensorInfos(JsonGenerator g, String field, Map<String, TensorSpec> specs)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
      TensorSpec spec = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeStringField("dtype", spec.dataType().name());
      g.writeObjectFieldStart("tensor_shape");
      g.writeArrayFieldStart("dim");
      for (long d : spec.dims()) {
        g.writeStartObject();
        g.writeStringField("size", Long.toString(d));
        g.writeStringField("name", "");
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeBooleanField("unknown_rank", spec.unknownRank());
      g.writeEndObject();
      g.writeStringField("name", spec.tensorName());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  // ---- writing --------------------------------------------------------------------------------

  /** What fills the reply object. */
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** A JSON object, filled by {@code body}. */
  ReplyBody write(Body body) {
    ReplyBody buf = new ReplyBody();
    try (JsonGenerator g = factory.createGenerator(buf, JsonEncoding.UTF8)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf;
  }
}
