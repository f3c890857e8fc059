package org.guildpkg.tf.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.guildpkg.GuildException;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * One feature of a dataset: its name, dtype, shape per example and encoding, as the manifest's
 * {@code features} object holds it ({@code {"dtype": "uint8", "shape": [28, 28], "encoding":
 * "raw"}}).
 *
 * <p>Encoding {@code raw}: the Example feature holds the values directly: one {@code bytes_list}
 * value of {@code elements()} bytes for {@code uint8}, {@code elements()} values of an
 * {@code int64_list} or {@code float_list}, or {@code elements()} {@code bytes_list} values for
 * {@code string}.
 *
 * <p>Encoding {@code image}: a {@code uint8} feature of shape {@code [height, width, channels]}
 * whose Example holds one encoded image (JPEG, PNG or BMP) in one {@code bytes_list} value, as
 * TensorFlow Datasets keeps images. Batches decode it into pixels ({@link ImagePixels}), or pass
 * the encoded bytes on as strings ({@link Batches#encodedImages()}) for a model that decodes
 * them itself.
 *
 * @param shape the shape of one example's value; empty for a scalar
 */
public record FeatureSpec(String name, FeatureType dtype, List<Long> shape, String encoding) {
  /** Values held directly in the Example. */
  public static final String RAW = "raw";

  /** One encoded image (JPEG, PNG, BMP) per Example, decoding to {@code [height, width, channels]}. */
  public static final String IMAGE = "image";

  /** Checks the parts and copies the shape. */
  public FeatureSpec {
    if (name == null || name.isEmpty() || dtype == null || encoding == null) {
      throw new IllegalArgumentException("name, dtype and encoding are required");
    }
    shape = List.copyOf(shape);
    for (long d : shape) {
      if (d < 0) {
        throw new GuildException("feature '" + name + "': shape " + shape + " has a negative dimension");
      }
    }
    if (!RAW.equals(encoding) && !IMAGE.equals(encoding)) {
      throw new GuildException(
          "feature '" + name + "' has encoding '" + encoding + "'; use '" + RAW + "' or '" + IMAGE + "'");
    }
    if (IMAGE.equals(encoding)
        && (dtype != FeatureType.UINT8 || shape.size() != 3 || (shape.get(2) != 1 && shape.get(2) != 3))) {
      throw new GuildException(
          "feature '" + name + "': encoding 'image' needs dtype uint8 and shape [height, width, 1 or 3], not "
              + dtype + " " + shape);
    }
  }

  /** Whether the Example holds an encoded image that decodes to this feature's shape. */
  public boolean isEncodedImage() {
    return IMAGE.equals(encoding);
  }

  /** How many values one example holds: the product of the shape (1 for a scalar). */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** The shape as an array, for building tensor shapes. */
  public long[] shapeArray() {
    return shape.stream().mapToLong(Long::longValue).toArray();
  }

  /** The manifest form of this spec (without the name, which is its key). */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dtype", dtype.id());
    ArrayNode s = o.putArray("shape");
    shape.forEach(s::add);
    o.put("encoding", encoding);
    return o;
  }

  /**
   * Reads a spec from the manifest's {@code features} object.
   *
   * @param where names the manifest or file, for errors
   */
  public static FeatureSpec fromJson(String name, JsonNode o, String where) {
    if (!o.isObject() || !o.path("dtype").isTextual()) {
      throw new GuildException(where + ": feature '" + name + "' needs a \"dtype\"");
    }
    List<Long> shape = new ArrayList<>();
    o.path("shape").forEach(d -> shape.add(d.asLong()));
    String encoding = o.path("encoding").asText(RAW);
    try {
      return new FeatureSpec(name, FeatureType.of(o.get("dtype").asText()), shape, encoding);
    } catch (GuildException e) {
      throw new GuildException(where + ": feature '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * Guesses a spec from one Example's feature: an {@code int64_list} or {@code float_list} of n
   * values is a scalar when n is 1, else a vector of n; a {@code bytes_list} is a string scalar or
   * vector (say {@code uint8} with a shape in {@code dataset.json} for raw pixel bytes).
   */
  public static FeatureSpec infer(String name, Feature f) {
    int n = Examples.valueCount(f);
    List<Long> shape = n == 1 ? List.of() : List.of((long) n);
    FeatureType t =
        f.hasInt64List() ? FeatureType.INT64 : f.hasFloatList() ? FeatureType.FLOAT32 : FeatureType.STRING;
    return new FeatureSpec(name, t, shape, RAW);
  }

  /**
   * Checks that an Example's value of this feature fits the spec.
   *
   * @throws GuildException saying what the Example holds and what the spec needs
   */
  public void check(Example example) {
    Feature f = Examples.require(example, name);
    String kind = Examples.kind(f);
    String need;
    boolean ok;
    switch (dtype) {
      case UINT8 -> {
        need = isEncodedImage()
            ? "a bytes_list of one encoded image"
            : "a bytes_list of one value of " + elements() + " bytes";
        ok = f.hasBytesList() && f.getBytesList().getValueCount() == 1
            && (isEncodedImage() ? !f.getBytesList().getValue(0).isEmpty()
                : f.getBytesList().getValue(0).size() == elements());
      }
      case INT64 -> {
        need = "an int64_list of " + elements() + " values";
        ok = f.hasInt64List() && f.getInt64List().getValueCount() == elements();
      }
      case FLOAT32 -> {
        need = "a float_list of " + elements() + " values";
        ok = f.hasFloatList() && f.getFloatList().getValueCount() == elements();
      }
      case STRING -> {
        need = "a bytes_list of " + elements() + " values";
        ok = f.hasBytesList() && f.getBytesList().getValueCount() == elements();
      }
      default -> throw new IllegalStateException();
    }
    if (!ok) {
      String has = f.hasBytesList() && f.getBytesList().getValueCount() == 1
          ? "a bytes_list of one value of " + f.getBytesList().getValue(0).size() + " bytes"
          : "a " + kind + " of " + Examples.valueCount(f) + " values";
      throw new GuildException(
          "feature '" + name + "' (" + dtype + " " + shape + ") needs " + need + ", the Example has " + has);
    }
  }
}
