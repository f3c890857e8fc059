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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.TensorSpec;

/**
 * TensorFlow Serving's REST API over the {@link Predictor}, apart from HTTP: a method, a raw path
 * and a body in, a status and a JSON body out (as its {@code http_rest_api_handler.cc}). It routes
 * the path, maps JSON to named tensors and the results back to JSON; the prediction itself (model
 * lookup, signatures served, batching, the TensorFlow call, error kinds) is the predictor's.
 */
final class RestApi {
  /** JSON nesting deeper than this is refused while parsing (a rank-60 tensor still fits). */
  static final int MAX_NESTING = 64;
  /** Longer number literals are refused while parsing. */
  static final int MAX_NUMBER_LENGTH = 100;
  /** The system property that turns the streaming fast path of predict bodies off. */
  static final String TREE_ONLY = "guild.serve.jsonTree";

  private static final Pattern PREDICTION = Pattern.compile(
      "(?i)/v1/models/([^/:]+)(?:/versions/(\\d+)|/labels/([^/:]+))?:(classify|regress|predict)");
  private static final Pattern STATUS = Pattern.compile(
      "(?i)/v1/models(?:/([^/:]+))?(?:/versions/(\\d+)|/labels/([^/:]+))?(?:/(metadata))?");

  /** A reply: status, JSON body, and an {@code Allow} header for 405. */
  record Reply(int status, ReplyBody body, Optional<String> allow) {}

  private final Predictor predictor;
  private final ObjectMapper mapper;
  private final JsonFactory factory;
  private final boolean streaming;

  RestApi(Predictor predictor, long maxBodyBytes) {
    this(predictor, maxBodyBytes, !Boolean.getBoolean(TREE_ONLY));
  }

  /**
   * A REST API; {@code streaming} false reads every body into a JSON tree first (what the
   * {@value #TREE_ONLY} system property chooses, for measuring the fast path against it).
   */
  RestApi(Predictor predictor, long maxBodyBytes, boolean streaming) {
    this.predictor = predictor;
    this.streaming = streaming;
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

  /** The JSON factory of bodies and replies, with the parsing limits. */
  JsonFactory factory() {
    return factory;
  }

  /** Answers one request; never throws for anything a client sends. */
  Reply handle(String method, String rawPath, byte[] body) {
    try {
      return new Reply(200, route(method, rawPath, body), Optional.empty());
    } catch (PredictionException e) {
      int status = httpStatus(e);
      Optional<String> allow = status == 405
          ? Optional.of(PREDICTION.matcher(rawPath).matches() ? "POST" : "GET")
          : Optional.empty();
      return new Reply(status, error(e.getMessage()), allow);
    }
  }

  /** The HTTP status of an error: its own for the REST API's, else its kind's. */
  static int httpStatus(PredictionException e) {
    return e instanceof ApiException a ? a.status() : e.kind().httpStatus();
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
      long t0 = System.nanoTime();
      String model = "";
      String sig = "";
      try {
        Predictor.ModelSpec t = target(p.group(1), p.group(2), p.group(3));
        model = t.name();
        String verb = p.group(4).toLowerCase(java.util.Locale.ROOT);
        FastPredict.Body fast =
            verb.equals("predict") && streaming ? FastPredict.read(factory, body) : null;
        if (fast != null) {
          sig = fast.signatureName() == null ? "" : fast.signatureName();
          ReplyBody reply = fastPredict(t, fast);
          if (reply != null) {
            predictor.record("rest", model, sig, null, System.nanoTime() - t0);
            return reply;
          }
        }
        JsonNode doc = parse(body);
        JsonNode n = doc.get("signature_name");
        sig = n != null && n.isTextual() ? n.textValue() : "";
        ReplyBody reply = switch (verb) {
          case "predict" -> predict(t, doc);
          case "classify" -> classifyOrRegress(t, doc, true);
          default -> classifyOrRegress(t, doc, false);
        };
        predictor.record("rest", model, sig, null, System.nanoTime() - t0);
        return reply;
      } catch (PredictionException e) {
        predictor.record("rest", model, sig, e, System.nanoTime() - t0);
        throw e;
      }
    }
    if (s.matches()) {
      if (!method.equals("GET")) {
        throw new ApiException(405, "Method not allowed: " + method + " " + rawPath + "; use GET");
      }
      if (s.group(1) == null) {
        throw ApiException.badRequest("Missing model name in request.");
      }
      Predictor.ModelSpec t = target(s.group(1), s.group(2), s.group(3));
      return s.group(4) != null ? metadata(t) : status(t);
    }
    if (rawPath.regionMatches(true, 0, "/v1/", 0, 4)) {
      throw ApiException.badRequest("Malformed request: " + method + " " + rawPath);
    }
    throw ApiException.notFound("Not found: " + rawPath + "; TensorFlow Serving's REST API is under"
        + " /v1/models/NAME");
  }

  /** The model name, version and label of a request's path. */
  private static Predictor.ModelSpec target(String rawName, String version, String label) {
    String name = decode(rawName, "model name");
    OptionalLong v = OptionalLong.empty();
    if (version != null) {
      try {
        v = OptionalLong.of(Long.parseLong(version));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Failed to convert version: " + version + " to numeric.");
      }
    }
    return new Predictor.ModelSpec(name, v,
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

  private ReplyBody predict(Predictor.ModelSpec t, JsonNode doc) {
    String sigName = signatureName(doc);
    try (ServableHandle h = predictor.open(t)) {
      ModelSignature sig = h.signature(sigName);
      JsonNode instances = doc.get("instances");
      JsonNode inputs = doc.get("inputs");
      if (instances != null && inputs != null) {
        throw ApiException.badRequest("JSON Value: " + JsonTensors.echo(doc)
            + " Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
      }
      if (instances == null && inputs == null) {
        throw ApiException.badRequest("Missing 'inputs' or 'instances' key");
      }
      ServableHandle.checkFeedable(sig);
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
        Map<String, HostTensor> out = h.predict(sig, in, true);
        return write(g -> JsonTensors.writePredictions(g, out));
      }
      Map<String, HostTensor> in = sig.inputs().isEmpty() && inputs.isObject()
          ? Map.of()
          : JsonTensors.fromInputs(inputs, sig.inputs());
      Map<String, HostTensor> out = h.predict(sig, in, false);
      return write(g -> JsonTensors.writeOutputs(g, out));
    }
  }

  /**
   * A predict reply by the streaming fast path ({@link FastPredict}), or null when the body's
   * values do not fit the signature's inputs without a question: the tree path then answers. The
   * errors it throws (model, version, signature) are the ones the tree path throws for this body.
   */
  private ReplyBody fastPredict(Predictor.ModelSpec t, FastPredict.Body body) {
    String name = body.signatureName();
    String sigName = name == null || name.isEmpty() ? ModelSignature.SERVING_DEFAULT : name;
    try (ServableHandle h = predictor.open(t)) {
      ModelSignature sig = h.signature(sigName);
      ServableHandle.checkFeedable(sig);
      Map<String, HostTensor> in = body.tensors(sig.inputs());
      if (in == null) {
        return null;
      }
      Map<String, HostTensor> out = h.predict(sig, in, body.rows());
      return body.rows()
          ? write(g -> JsonTensors.writePredictions(g, out))
          : write(g -> JsonTensors.writeOutputs(g, out));
    }
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

  // ---- classify and regress -------------------------------------------------------------------

  private ReplyBody classifyOrRegress(Predictor.ModelSpec t, JsonNode doc, boolean classify) {
    String sigName = signatureName(doc);
    byte[][] examples = JsonExamples.serialize(doc);
    try (ServableHandle h = predictor.open(t)) {
      if (!classify) {
        float[] v = h.regress(sigName, examples);
        return write(g -> {
          g.writeArrayFieldStart("results");
          for (float f : v) {
            g.writeNumber(f);
          }
          g.writeEndArray();
        });
      }
      List<List<ServableHandle.Classification>> results = h.classify(sigName, examples);
      return write(g -> {
        g.writeArrayFieldStart("results");
        for (List<ServableHandle.Classification> row : results) {
          g.writeStartArray();
          for (ServableHandle.Classification c : row) {
            g.writeStartArray();
            g.writeString(c.label());
            g.writeNumber(c.score());
            g.writeEndArray();
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      });
    }
  }

  // ---- status and metadata --------------------------------------------------------------------

  private ReplyBody status(Predictor.ModelSpec t) {
    List<ServedModel> chosen = predictor.status(t);
    return write(g -> {
      g.writeArrayFieldStart("model_version_status");
      for (ServedModel s : chosen) {
        g.writeStartObject();
        g.writeStringField("version", Long.toString(s.version()));
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

  private ReplyBody metadata(Predictor.ModelSpec t) {
    try (ServableHandle h = predictor.open(t)) {
      ServedModel m = h.model();
      List<ModelSignature> served = h.signatures();
      Map<String, String> withheld = h.withheld();
      return write(g -> {
        g.writeObjectFieldStart("model_spec");
        g.writeStringField("name", m.name());
        g.writeStringField("signature_name", "");
        g.writeStringField("version", Long.toString(m.version()));
        g.writeEndObject();
        g.writeObjectFieldStart("metadata");
        g.writeObjectFieldStart("signature_def");
        g.writeObjectFieldStart("signature_def");
        for (ModelSignature sig : served) {
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
        if (!withheld.isEmpty()) {
          g.writeObjectFieldStart("withheld_signatures");
          for (Map.Entry<String, String> e : withheld.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
        }
        g.writeEndObject();
      });
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
