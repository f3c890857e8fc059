package org.guildpkg.tf.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.util.Iterator;
import java.util.Map;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;

/**
 * The {@code examples} (and {@code context}) of a classify or regress request as serialized
 * {@code tf.Example}s, by TensorFlow Serving's rules: a decimal number (with a point or exponent)
 * goes to a float_list, a whole number or a boolean to an int64_list, a string or
 * {@code {"b64": ...}} to a bytes_list; a feature may be one value or a list of values of one kind;
 * the context's features are added to every example.
 */
final class JsonExamples {
  private JsonExamples() {}

  /** The request's examples, serialized, with the context's features merged into each. */
  static byte[][] serialize(JsonNode doc) {
    Features context = Features.getDefaultInstance();
    JsonNode ctx = doc.get("context");
    if (ctx != null) {
      context = features(ctx);
    }
    JsonNode examples = doc.get("examples");
    if (examples == null) {
      throw ApiException.badRequest("JSON Value: " + JsonTensors.echo(doc)
          + " When method is classify, key 'examples' is expected and was not found");
    }
    if (!examples.isArray()) {
      throw ApiException.badRequest("JSON Value: " + JsonTensors.echo(doc)
          + " Expecting 'examples' value to be an list/array");
    }
    if (examples.isEmpty()) {
      throw ApiException.badRequest(
          "JSON Value: " + JsonTensors.echo(doc) + " 'examples' value is an empty array");
    }
    byte[][] out = new byte[examples.size()][];
    int i = 0;
    for (JsonNode e : examples) {
      Features f = features(e);
      Features merged = ctx == null ? f : context.toBuilder().putAllFeature(f.getFeatureMap()).build();
      out[i++] = Example.newBuilder().setFeatures(merged).build().toByteArray();
    }
    return out;
  }

  private static Features features(JsonNode example) {
    if (!example.isObject()) {
      throw ApiException.badRequest(
          "Example must be JSON object but got JSON " + JsonTensors.jsonType(example));
    }
    Features.Builder b = Features.newBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = example.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> kv = it.next();
      Feature.Builder f = Feature.newBuilder();
      if (kv.getValue().isArray()) {
        for (JsonNode v : kv.getValue()) {
          add(v, kv.getKey(), f);
        }
      } else {
        add(kv.getValue(), kv.getKey(), f);
      }
      b.putFeature(kv.getKey(), f.build());
    }
    return b.build();
  }

  private static void add(JsonNode v, String name, Feature.Builder f) {
    if (v.isBoolean()) {
      kind(f, Feature.KindCase.INT64_LIST, name);
      f.getInt64ListBuilder().addValue(v.booleanValue() ? 1 : 0);
    } else if (v.isObject()) {
      if (!JsonTensors.isBase64(v)) {
        throw unexpected(v, name);
      }
      kind(f, Feature.KindCase.BYTES_LIST, name);
      f.getBytesListBuilder().addValue(ByteString.copyFrom(JsonTensors.decodeBase64(v)));
    } else if (v.isTextual()) {
      kind(f, Feature.KindCase.BYTES_LIST, name);
      f.getBytesListBuilder().addValue(ByteString.copyFromUtf8(v.textValue()));
    } else if (v.isFloatingPointNumber()) {
      kind(f, Feature.KindCase.FLOAT_LIST, name);
      f.getFloatListBuilder().addValue(JsonTensors.exactFloat(v));
    } else if (v.isIntegralNumber()) {
      kind(f, Feature.KindCase.INT64_LIST, name);
      if (!v.canConvertToLong()) {
        throw ApiException.badRequest(
            "Feature: " + name + " has uint64 element. Only int64 is supported.");
      }
      f.getInt64ListBuilder().addValue(v.longValue());
    } else {
      throw unexpected(v, name);
    }
  }

  private static ApiException unexpected(JsonNode v, String name) {
    return ApiException.badRequest(
        "Feature: " + name + " has element with unexpected JSON type: " + JsonTensors.jsonType(v));
  }

  /** A feature holds values of one kind: the kind of its first value. */
  private static void kind(Feature.Builder f, Feature.KindCase want, String name) {
    Feature.KindCase have = f.getKindCase();
    if (have != Feature.KindCase.KIND_NOT_SET && have != want) {
      String k = switch (have) {
        case BYTES_LIST -> "bytes";
        case FLOAT_LIST -> "float";
        case INT64_LIST -> "int64";
        default -> "UNKNOWN";
      };
      throw ApiException.badRequest(
          "Unexpected element type in feature: " + name + " expecting type: " + k);
    }
  }
}
