package org.guildpkg.tf.data;

import java.util.Arrays;
import org.guildpkg.GuildException;

/** The dtype of a dataset feature, as a dataset manifest names it. */
public enum FeatureType {
  /** 32-bit floats from a {@code float_list}; batched into {@code TFloat32}. */
  FLOAT32("float32"),
  /** 64-bit integers from an {@code int64_list}; batched into {@code TInt64}. */
  INT64("int64"),
  /** Raw bytes from a single {@code bytes_list} value; batched into {@code TUint8}. */
  UINT8("uint8"),
  /** Byte strings, one per {@code bytes_list} value; batched into {@code TString}. */
  STRING("string");

  private final String id;

  FeatureType(String id) {
    this.id = id;
  }

  /** The manifest name: {@code float32}, {@code int64}, {@code uint8} or {@code string}. */
  public String id() {
    return id;
  }

  /**
   * Parses a manifest name.
   *
   * @throws GuildException naming the known dtypes
   */
  public static FeatureType of(String id) {
    for (FeatureType t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    throw new GuildException(
        "unknown feature dtype '" + id + "'; use one of "
            + Arrays.stream(values()).map(FeatureType::id).toList());
  }

  @Override
  public String toString() {
    return id;
  }
}
