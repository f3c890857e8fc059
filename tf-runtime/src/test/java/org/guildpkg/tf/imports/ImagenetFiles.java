package org.guildpkg.tf.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.guildpkg.tf.testing.UpstreamSources;

/**
 * The upstream ImageNet files the tests use (google-coral/test_data at a pinned commit, and the
 * photos), found by name and sha256 on the source search path; a test that needs one that is not
 * there is skipped with the reason.
 */
public final class ImagenetFiles {
  public static final String MOBILENET_V2 = "mobilenet_v2_1.0_224_quant.tflite";
  public static final String MOBILENET_V2_SHA = "7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776";
  public static final String MOBILENET_V1_025 = "mobilenet_v1_0.25_128_quant.tflite";
  public static final String MOBILENET_V1_025_SHA = "cb273c23ee76374b05b9583177e28aa19744858a7679c56a250e83d0333da785";
  public static final String TF2_MOBILENET_V2 = "tf2_mobilenet_v2_1.0_224_ptq.tflite";
  public static final String TF2_MOBILENET_V2_SHA = "5d3137241276e79c86d14a74fe43581398ae0e815191d3dba45495b810840e8c";
  public static final String LABELS = "imagenet_labels.txt";
  public static final String LABELS_SHA = "b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1";
  public static final String GRACE_HOPPER = "grace_hopper.bmp";
  public static final String GRACE_HOPPER_SHA = "c43444bf3b1b1e3080551ca194bd231da4b67f20fc91454502915a6b806b614f";

  private ImagenetFiles() {}

  /**
   * The file, found on the source search path ({@code GUILD_SOURCES}) as {@code guild package}
   * finds it, or the calling test is skipped naming what it needs.
   */
  public static Path require(String name, String sha256) {
    return UpstreamSources.require(name, sha256);
  }

  static String sha256(Path f) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
      MessageDigest md = ((DigestInputStream) in).getMessageDigest();
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
