package org.guildpkg.tf.testing;

import java.nio.file.Path;
import java.util.Optional;
import org.guildpkg.build.SourceSearchPath;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a large upstream file (a pretrained model, an image set) that a test needs, on the source
 * search path that {@code guild package} uses, and skips the test with the reason when it is not
 * there. The file is named as in the GuildPkg that declares it, by file name and sha256.
 *
 * <pre>{@code
 * Path model = UpstreamSources.require("mobilenet_v1_0.25_128_quant.tflite",
 *     "cb273c23ee76374b05b9583177e28aa19744858a7679c56a250e83d0333da785");
 * }</pre>
 *
 * <p>The folders searched are those of the system property {@code guild.sources}, then of
 * {@code GUILD_SOURCES} (both colon-separated); CI points {@code GUILD_SOURCES} at its copies of
 * the upstream files, so there every such test runs. See {@code docs/sources.md}.
 */
public final class UpstreamSources {
  private static final Logger log = LoggerFactory.getLogger(UpstreamSources.class);

  private UpstreamSources() {}

  /** The search path tests use: {@code guild.sources}, then {@code GUILD_SOURCES}. */
  public static SourceSearchPath searchPath() {
    SourceSearchPath env = SourceSearchPath.fromEnvironment();
    SourceSearchPath prop = SourceSearchPath.parse(System.getProperty("guild.sources"));
    return env.withFirst(prop.dirs());
  }

  /** The file named {@code fileName} whose sha256 is {@code sha256}, if it is on the path. */
  public static Optional<Path> find(String fileName, String sha256) {
    return searchPath().find(fileName, sha256);
  }

  /**
   * The file named {@code fileName} whose sha256 is {@code sha256}; when it is not on the search
   * path, aborts the calling test (JUnit reports it skipped) with a message naming the file, its
   * checksum and the folders searched. The message is also logged at WARN, since Maven's test
   * report shows a test class aborted in {@code @BeforeAll} only as "Tests run: 0".
   */
  public static Path require(String fileName, String sha256) {
    Optional<Path> found = find(fileName, sha256);
    if (found.isEmpty()) {
      String why = "needs the upstream file " + fileName + " (sha256 " + sha256
          + "), which is not on the source search path " + searchPath().describe()
          + "; put it in a folder named by GUILD_SOURCES";
      log.warn("skipping: {}", why);
      Assumptions.abort(why);
    }
    return found.get();
  }
}
