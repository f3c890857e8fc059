package org.guildpkg.tf.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.guildpkg.tf.model.TensorSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/**
 * The streaming fast path of predict bodies against the JSON-tree path: wherever the fast path
 * answers, it gives the tree path's tensors bit for bit; the common bodies do take it; and the
 * served answers (replies and errors) are byte for byte those of the tree path.
 */
class FastPredictTest {
  static final long MAX_BODY = 1 << 20;
  static final String PREDICT = "/v1/models/half_plus_two:predict";
  static final List<DataType> DTYPES = List.of(DataType.DT_FLOAT, DataType.DT_DOUBLE,
      DataType.DT_INT32, DataType.DT_UINT8, DataType.DT_INT64);
  static final List<String> ODD = List.of("\"a\"", "null", "true", "NaN", "-Infinity", "1e400",
      "16777217", "16777216", "-16777216", "2.5", "300", "-1", "9007199254740993",
      "{\"b64\": \"AA==\"}", "[]", "[1]", "{}",
      "2147483648", "1.0e39", "-0.0");

  static ModelServer server;

  @BeforeAll
  static void start() {
    server = ModelServer.builder().maxBodyBytes(MAX_BODY).start();
    server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, TensorSpec> spec(DataType t, String... names) {
    Map<String, TensorSpec> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, new TensorSpec(n + ":0", t, List.of(-1L), false));
    }
    return m;
  }

  /** What TensorFlow Serving's predict does with a body before the model: the tree path. */
  static Map<String, HostTensor> tree(RestApi api, byte[] body, Map<String, TensorSpec> inputs) {
    JsonNode doc = api.parse(body);
    JsonNode instances = doc.get("instances");
    JsonNode in = doc.get("inputs");
    if ((instances == null) == (in == null)) {
      throw ApiException.badRequest("one of instances or inputs");
    }
    if (instances != null) {
      if (!instances.isArray() || instances.isEmpty()) {
        throw ApiException.badRequest("instances must be a non-empty list");
      }
      return JsonTensors.fromInstances(instances, inputs);
    }
    return JsonTensors.fromInputs(in, inputs);
  }

  static Map<String, HostTensor> fast(RestApi api, byte[] body, Map<String, TensorSpec> inputs) {
    FastPredict.Body b = FastPredict.read(api.factory(), body);
    return b == null ? null : b.tensors(inputs);
  }

  static void assertSame(Map<String, HostTensor> want, Map<String, HostTensor> got, String body) {
    assertEquals(want.keySet(), got.keySet(), body);
    for (String k : want.keySet()) {
      HostTensor w = want.get(k);
      HostTensor g = got.get(k);
      assertEquals(w.dtype(), g.dtype(), body);
      assertArrayEquals(w.shape(), g.shape(), "shape of " + k + " in " + body);
      Object a = w.data();
      Object b = g.data();
      assertEquals(a.getClass(), b.getClass(), body);
      boolean equal = a instanceof float[] f ? java.util.Arrays.equals(f, (float[]) b)
          : a instanceof double[] d ? java.util.Arrays.equals(d, (double[]) b)
          : a instanceof int[] i ? java.util.Arrays.equals(i, (int[]) b)
          : java.util.Arrays.equals((long[]) a, (long[]) b);
      assertTrue(equal, "values of " + k + " in " + body);
    }
  }

  /** A random number the dtype holds exactly, in one of JSON's spellings. */
  static String number(Random r, DataType t) {
    return switch (t) {
      case DT_UINT8 -> Integer.toString(r.nextInt(256));
      case DT_INT32 -> Integer.toString(r.nextInt());
      case DT_INT64 -> Long.toString(r.nextLong() >> 11); // within 2^53, as the fast path takes
      default -> switch (r.nextInt(7)) {
        case 0 -> Integer.toString(r.nextInt(1 << 25) - (1 << 24) + 1); // int within 2^24
        case 1 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
        case 2 -> Float.toString((float) r.nextGaussian());
        case 3 -> (r.nextBoolean() ? "-" : "") + r.nextInt(1000) + "." + r.nextInt(100000)
            + (r.nextBoolean() ? "e" + (r.nextInt(20) - 10) : "");
        case 4 -> r.nextBoolean() ? "-0.0" : "0.0";
        case 5 -> "0.1000000000000000055511151231257827021181583404541015625";
        default -> (r.nextInt(9) + 1) + "E" + (r.nextInt(60) - 30);
      };
    };
  }

  static String tensor(Random r, int[] dims, int level, Supplier<String> leaf) {
    if (level == dims.length) {
      return leaf.get();
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < dims[level]; i++) {
      b.append(i == 0 ? "" : r.nextBoolean() ? ", " : ",").append(tensor(r, dims, level + 1, leaf));
    }
    return b.append(']').toString();
  }

  /** A clean body of numbers that fit, row or columnar, plain or by name. */
  static String body(Random r, DataType t, List<String> names, boolean rows) {
    int[] dims = new int[r.nextInt(4)];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = 1 + r.nextInt(4);
    }
    Supplier<String> leaf = () -> number(r, t);
    boolean named = names.size() > 1 || r.nextBoolean();
    StringBuilder b = new StringBuilder("{");
    if (r.nextInt(4) == 0) {
      b.append("\"signature_name\": \"serving_default\", ");
    }
    if (rows) {
      b.append("\"instances\": [");
      int items = 1 + r.nextInt(4);
      for (int i = 0; i < items; i++) {
        b.append(i == 0 ? "" : ", ");
        if (named) {
          b.append('{');
          for (int k = 0; k < names.size(); k++) {
            b.append(k == 0 ? "" : ", ").append('"').append(names.get(k)).append("\": ")
                .append(tensor(r, dims, 0, leaf));
          }
          b.append('}');
        } else {
          b.append(tensor(r, dims, 0, leaf));
        }
      }
      b.append(']');
    } else {
      b.append("\"inputs\": ");
      if (named) {
        b.append('{');
        for (int k = 0; k < names.size(); k++) {
          b.append(k == 0 ? "" : ", ").append('"').append(names.get(k)).append("\": ")
              .append(tensor(r, dims, 0, leaf));
        }
        b.append('}');
      } else {
        b.append(tensor(r, dims, 0, leaf));
      }
    }
    return b.append('}').toString();
  }

  /** The body with one change that may make it odd, wrong or malformed. */
  static String mutate(Random r, String s) {
    return switch (r.nextInt(8)) {
      case 0, 1, 2 -> { // a leaf replaced
        int i = s.indexOf(',', r.nextInt(s.length()));
        yield i < 0 ? s + "x" : s.substring(0, i) + ", " + ODD.get(r.nextInt(ODD.size()))
            + s.substring(i);
      }
      case 3 -> s.substring(0, r.nextInt(s.length())); // cut short
      case 4 -> s.replaceFirst("\\{", "{\"other\": 1, "); // an unknown key
      case 5 -> s + (r.nextBoolean() ? " {}" : " 1"); // trailing tokens
      case 6 -> s.replaceFirst("\\[", "[" + ODD.get(r.nextInt(ODD.size())) + ", ");
      default -> s.replaceFirst("\"(instances|inputs)\"", "\"$1\": [1.0], \"$1\""); // duplicate
    };
  }

  @Test
  void wherePresentTheFastPathGivesTheTreePathsTensorsOnThousandsOfBodies() {
    RestApi api = new RestApi(null, MAX_BODY, true);
    Random r = new Random(16);
    int fastTaken = 0;
    int treeOnly = 0;
    for (int i = 0; i < 4000; i++) {
      DataType t = DTYPES.get(r.nextInt(DTYPES.size()));
      List<String> names = r.nextInt(3) == 0 ? List.of("a", "b") : List.of("x");
      Map<String, TensorSpec> inputs = spec(t, names.toArray(String[]::new));
      String clean = body(r, t, names, r.nextBoolean());
      boolean mutated = r.nextInt(5) < 2;
      String text = mutated ? mutate(r, clean) : clean;
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      Map<String, HostTensor> fast = fast(api, body, inputs);
      if (!mutated) {
        assertNotNull(fast, "a clean " + t + " body takes the fast path: " + text);
      }
      if (fast == null) {
        treeOnly++;
        continue;
      }
      fastTaken++;
      Map<String, HostTensor> want;
      try {
        want = tree(api, body, inputs);
      } catch (ApiException e) {
        fail("the fast path took a body the tree path refuses (" + e.getMessage() + "): " + text);
        return;
      }
      assertSame(want, fast, text);
    }
    assertTrue(fastTaken > 2000 && treeOnly > 300, fastTaken + " fast, " + treeOnly + " tree");
  }

  @Test
  void theBenchmarkBodiesAndMixedIntegersAndDecimalsTakeTheFastPath() {
    RestApi api = new RestApi(null, MAX_BODY, true);
    String row28 = "[" + "0, 255, 7, ".repeat(9) + "1]";
    String image = "[" + (row28 + ",").repeat(27) + row28 + "]";
    String[] bodies = {
        "{\"instances\": [1.0, 2.0, 5.0]}",
        "{\"instances\": [1, 2.5, -3, 4e2]}",
        "{\"inputs\": [[1, 2.5], [-0.0, 7]]}",
        "{\"inputs\": {\"x\": 3}}",
        "{\"signature_name\": \"\", \"instances\": [{\"x\": [1, 2]}, {\"x\": [3.5, 4]}]}",
        "{\"instances\": [{\"image\": " + image + "}]}",
    };
    for (String s : bodies) {
      String name = s.contains("image") ? "image" : "x";
      Map<String, TensorSpec> inputs = spec(DataType.DT_FLOAT, name);
      byte[] body = s.getBytes(StandardCharsets.UTF_8);
      Map<String, HostTensor> fast = fast(api, body, inputs);
      assertNotNull(fast, s);
      assertSame(tree(api, body, inputs), fast, s);
    }
    StringBuilder big = new StringBuilder("{\"inputs\": [[0.5");
    for (int i = 1; i < 30_000; i++) {
      big.append(i % 3 == 0 ? "]," : ",").append(i % 3 == 0 ? "[" : "").append(i * 0.25 - 7);
    }
    byte[] many = big.append("]]}").toString().getBytes(StandardCharsets.UTF_8);
    for (DataType t : List.of(DataType.DT_DOUBLE, DataType.DT_FLOAT)) {
      Map<String, TensorSpec> x = spec(t, "x");
      Map<String, HostTensor> blocks = fast(api, many, x);
      assertNotNull(blocks, "30,000 values over several blocks");
      assertSame(tree(api, many, x), blocks, "30,000 values as " + t);
      assertArrayEquals(new long[] {10_000, 3}, blocks.get("x").shape());
    }
    HostTensor img = fast(api, ("{\"instances\": [{\"image\": " + image + "}]}")
        .getBytes(StandardCharsets.UTF_8), spec(DataType.DT_FLOAT, "image")).get("image");
    assertArrayEquals(new long[] {1, 28, 28}, img.shape());
    assertEquals(255f, ((float[]) img.data())[1]);
  }

  @Test
  void servedRepliesAndErrorsAreTheTreePathsByteForByte() {
    RestApi fast = new RestApi(server.predictor(), MAX_BODY, true);
    RestApi tree = new RestApi(server.predictor(), MAX_BODY, false);
    String[] bodies = {
        "{\"instances\": [1.0, 2.0, 5.0]}",
        "{\"instances\": [1, 2.5, -3, 4e2, -0.0, 1.0E-7]}",
        "{\"inputs\": [1.0, 2.0]}",
        "{\"inputs\": {\"x\": [[1.0], [2.0]]}}",
        "{\"inputs\": 3.5}",
        "{\"instances\": [{\"x\": 1.0}, {\"x\": 2}]}",
        "{\"instances\": [[1.0], [2.0]]}",
        "{\"signature_name\": \"regress_x_to_y\", \"instances\": [1.0]}",
        "{\"signature_name\": \"nope\", \"instances\": [1.0]}",
        "{\"signature_name\": 7, \"instances\": [1.0]}",
        "", "{", "[1.0]", "{\"instances\": []}", "{\"instances\": 1.0}",
        "{\"instances\": [1.0, \"a\"]}", "{\"instances\": [[1.0], [1.0, 2.0]]}",
        "{\"instances\": [1.0, [2.0]]}", "{\"instances\": [[1.0], 2.0]}",
        "{\"instances\": [1.0], \"inputs\": [1.0]}", "{\"other\": [1.0]}",
        "{\"instances\": [16777217]}", "{\"instances\": [16777215]}",
        "{\"instances\": [16777216]}", "{\"instances\": [1e400]}",
        "{\"instances\": [3.5e38]}", "{\"instances\": [NaN, Infinity]}", "{\"instances\": [null]}",
        "{\"instances\": [1.0]} x", "{\"instances\": [1.0], \"instances\": [2.0]}",
        "{\"instances\": [{\"x\": 1.0}, 2.0]}", "{\"instances\": [{\"y\": 1.0}]}",
        "{\"instances\": [{\"x\": 1.0, \"y\": 2.0}]}", "{\"instances\": [{\"b64\": \"AAAA\"}]}",
        "{\"inputs\": {\"x\": [1.0], \"y\": [2.0]}}", "{\"inputs\": {\"y\": [2.0]}}",
        "{\"inputs\": {}}", "{\"instances\": [[]]}", "{\"instances\": [1.0], \"foo\": 1}",
        "{\"instances\": [" + "[".repeat(70) + "1" + "]".repeat(70) + "]}",
        "{\"instances\": [1" + "0".repeat(120) + "]}",
    };
    for (String s : bodies) {
      byte[] body = s.getBytes(StandardCharsets.UTF_8);
      for (String path : List.of(PREDICT, "/v1/models/nope:predict")) {
        RestApi.Reply want = tree.handle("POST", path, body);
        RestApi.Reply got = fast.handle("POST", path, body);
        assertEquals(want.status(), got.status(), s);
        assertEquals(new String(want.body().toByteArray(), StandardCharsets.UTF_8),
            new String(got.body().toByteArray(), StandardCharsets.UTF_8), s);
      }
    }
    RestApi.Reply ok = fast.handle("POST", PREDICT, bodies[0].getBytes(StandardCharsets.UTF_8));
    assertEquals("{\"predictions\":[2.5,3.0,4.5]}",
        new String(ok.body().toByteArray(), StandardCharsets.UTF_8));
  }
}
