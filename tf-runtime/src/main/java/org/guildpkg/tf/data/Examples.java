package org.guildpkg.tf.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.guildpkg.GuildException;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Builds, encodes and decodes {@code tf.train.Example} records with the protobuf classes that ship
 * with TensorFlow Java ({@link Example}, {@link Feature}).
 *
 * <pre>{@code
 * byte[] record = Examples.builder().bytes("image", pixels).int64("label", 9).build().toByteArray();
 * long label = Examples.int64s(Examples.parse(record), "label")[0];
 * }</pre>
 */
public final class Examples {
  private Examples() {}

  /** A builder of one Example, features added in call order. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decodes an Example from a record's bytes.
   *
   * @throws GuildException when the bytes are no Example
   */
  public static Example parse(byte[] record) {
    try {
      return Example.parseFrom(record);
    } catch (InvalidProtocolBufferException e) {
      throw new GuildException("record is not a tf.train.Example: " + e.getMessage(), e);
    }
  }

  /** Decodes an Example from a record's bytes (such as {@link TFRecordReader#record()}). */
  public static Example parse(ByteBuffer record) {
    try {
      return Example.parseFrom(record.duplicate());
    } catch (InvalidProtocolBufferException e) {
      throw new GuildException("record is not a tf.train.Example: " + e.getMessage(), e);
    }
  }

  /** The named feature, if the Example has it. */
  public static Optional<Feature> feature(Example example, String name) {
    return Optional.ofNullable(example.getFeatures().getFeatureMap().get(name));
  }

  /**
   * The values of an {@code int64_list} feature.
   *
   * @throws GuildException when the feature is missing or of another kind
   */
  public static long[] int64s(Example example, String name) {
    Feature f = require(example, name);
    if (!f.hasInt64List()) {
      throw wrongKind(name, f, "int64_list");
    }
    Int64List l = f.getInt64List();
    long[] out = new long[l.getValueCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.getValue(i);
    }
    return out;
  }

  /**
   * The values of a {@code float_list} feature.
   *
   * @throws GuildException when the feature is missing or of another kind
   */
  public static float[] floats(Example example, String name) {
    Feature f = require(example, name);
    if (!f.hasFloatList()) {
      throw wrongKind(name, f, "float_list");
    }
    FloatList l = f.getFloatList();
    float[] out = new float[l.getValueCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.getValue(i);
    }
    return out;
  }

  /**
   * The values of a {@code bytes_list} feature.
   *
   * @throws GuildException when the feature is missing or of another kind
   */
  public static List<byte[]> bytes(Example example, String name) {
    Feature f = require(example, name);
    if (!f.hasBytesList()) {
      throw wrongKind(name, f, "bytes_list");
    }
    List<byte[]> out = new ArrayList<>();
    for (ByteString b : f.getBytesList().getValueList()) {
      out.add(b.toByteArray());
    }
    return out;
  }

  /** The list kind of a feature: {@code bytes_list}, {@code float_list}, {@code int64_list}, {@code empty}. */
  public static String kind(Feature f) {
    if (f.hasBytesList()) {
      return "bytes_list";
    }
    if (f.hasFloatList()) {
      return "float_list";
    }
    if (f.hasInt64List()) {
      return "int64_list";
    }
    return "empty";
  }

  /** How many values a feature holds, whatever its kind. */
  public static int valueCount(Feature f) {
    if (f.hasBytesList()) {
      return f.getBytesList().getValueCount();
    }
    if (f.hasFloatList()) {
      return f.getFloatList().getValueCount();
    }
    if (f.hasInt64List()) {
      return f.getInt64List().getValueCount();
    }
    return 0;
  }

  static Feature require(Example example, String name) {
    Feature f = example.getFeatures().getFeatureMap().get(name);
    if (f == null) {
      throw new GuildException(
          "Example has no feature '" + name + "'; it has "
              + new TreeSet<>(example.getFeatures().getFeatureMap().keySet()));
    }
    return f;
  }

  private static GuildException wrongKind(String name, Feature f, String wanted) {
    return new GuildException(
        "feature '" + name + "' is a " + kind(f) + ", not a " + wanted);
  }

  /** Adds features to one Example; each method returns this builder. */
  public static final class Builder {
    private final Features.Builder features = Features.newBuilder();

    private Builder() {}

    /** Adds a {@code bytes_list} feature, one value per array. */
    public Builder bytes(String name, byte[]... values) {
      BytesList.Builder l = BytesList.newBuilder();
      for (byte[] v : values) {
        l.addValue(ByteString.copyFrom(v));
      }
      features.putFeature(name, Feature.newBuilder().setBytesList(l).build());
      return this;
    }

    /** Adds a {@code bytes_list} feature of UTF-8 strings. */
    public Builder strings(String name, String... values) {
      BytesList.Builder l = BytesList.newBuilder();
      for (String v : values) {
        l.addValue(ByteString.copyFrom(v, StandardCharsets.UTF_8));
      }
      features.putFeature(name, Feature.newBuilder().setBytesList(l).build());
      return this;
    }

    /** Adds an {@code int64_list} feature. */
    public Builder int64(String name, long... values) {
      Int64List.Builder l = Int64List.newBuilder();
      for (long v : values) {
        l.addValue(v);
      }
      features.putFeature(name, Feature.newBuilder().setInt64List(l).build());
      return this;
    }

    /** Adds a {@code float_list} feature. */
    public Builder float32(String name, float... values) {
      FloatList.Builder l = FloatList.newBuilder();
      for (float v : values) {
        l.addValue(v);
      }
      features.putFeature(name, Feature.newBuilder().setFloatList(l).build());
      return this;
    }

    /** The Example. */
    public Example build() {
      return Example.newBuilder().setFeatures(features).build();
    }
  }
}
