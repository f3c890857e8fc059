package org.guildpkg.tf.data;

import java.util.Arrays;
import java.util.Locale;
import org.guildpkg.GuildException;

/**
 * How a TFRecord file is compressed, with the names TensorFlow's {@code TFRecordDataset} uses
 * ({@code ""}, {@code "GZIP"}, {@code "ZLIB"}) and those a dataset manifest uses ({@code none},
 * {@code gzip}, {@code zlib}).
 */
public enum TFRecordCompression {
  /** Plain records. */
  NONE("none", ""),
  /** A gzip stream of records (TensorFlow's {@code "GZIP"}). */
  GZIP("gzip", "GZIP"),
  /** A zlib (RFC 1950) stream of records (TensorFlow's {@code "ZLIB"}). */
  ZLIB("zlib", "ZLIB");

  private final String id;
  private final String tensorFlowName;

  TFRecordCompression(String id, String tensorFlowName) {
    this.id = id;
    this.tensorFlowName = tensorFlowName;
  }

  /** The name used in manifests and on the command line: {@code none}, {@code gzip}, {@code zlib}. */
  public String id() {
    return id;
  }

  /** The {@code compression_type} string TensorFlow's record ops take. */
  public String tensorFlowName() {
    return tensorFlowName;
  }

  /**
   * Parses a manifest or command line name, case-insensitively; TensorFlow's empty string means
   * {@link #NONE}.
   *
   * @throws GuildException naming the known values
   */
  public static TFRecordCompression of(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty()) {
      return NONE;
    }
    for (TFRecordCompression c : values()) {
      if (c.id.equals(n)) {
        return c;
      }
    }
    throw new GuildException(
        "unknown TFRecord compression '" + name + "'; use one of "
            + Arrays.stream(values()).map(TFRecordCompression::id).toList());
  }

  @Override
  public String toString() {
    return id;
  }
}
