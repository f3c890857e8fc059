package org.guildpkg.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.GuildPackages;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spark.DatasetFrames;
import org.guildpkg.spark.PackageLocation;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options both {@code guild spark} commands take, and the session and package locations
 * they make of them (a picocli mixin).
 */
final class SparkJob {
  @Parameters(index = "0", paramLabel = "MODEL", description = "The model package (a spec such as NAME@VERSION, or a package folder).")
  String model;

  @Parameters(index = "1", paramLabel = "DATASET", description = "The dataset package (a spec, or a dataset folder).")
  String dataset;

  @Option(names = "--split", defaultValue = "test", description = "The dataset split (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--master", paramLabel = "URL",
      description = "The Spark master: local[N], spark://HOST:PORT, ... (default: spark-submit's, else local[*]).")
  String master;

  @Option(names = "--batch-size", defaultValue = "1000", description = "Examples per model call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--partitions", paramLabel = "N",
      description = "About how many partitions to read the split as (default: the cluster's parallelism).")
  Integer partitions;

  @Option(names = "--executor-home", paramLabel = "DIR",
      description = "The Guild home executors load packages from (default: --home for local masters, else each executor's GUILD_HOME).")
  Path executorHome;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark configuration property (repeatable).")
  Map<String, String> conf = new LinkedHashMap<>();

  private boolean ownsSession;

  /**
   * A session for {@code what}: the program's own when one is running already (a notebook, a
   * test), else a new one; Spark's INFO logs are silenced.
   */
  SparkSession session(String what) {
    if (batchSize < 1) {
      throw new GuildException("--batch-size must be at least 1, not " + batchSize);
    }
    if (partitions != null && partitions < 1) {
      throw new GuildException("--partitions must be at least 1, not " + partitions);
    }
    if (SparkSession.getDefaultSession().isDefined()) {
      return SparkSession.getDefaultSession().get();
    }
    ownsSession = true;
    Configurator.setRootLevel(Level.WARN);
    SparkSession.Builder b = SparkSession.builder().appName("guild spark " + what);
    b.master(master());
    // No web UI on every interface unless asked for: the CLI serves nothing by default.
    b.config("spark.ui.enabled", "false");
    conf.forEach(b::config);
    return b.getOrCreate();
  }

  /** Stops the session when this command started it. */
  void stop(SparkSession session) {
    if (ownsSession) {
      session.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  String master() {
    return master != null ? master : System.getProperty("spark.master", "local[*]");
  }

  /** Where executors look for packages: the driver's home on local masters. */
  private PackageLocation forExecutors(GuildCli cli, String spec) {
    Path folder = Path.of(spec);
    if (Files.isDirectory(folder)) {
      return PackageLocation.of(folder.toAbsolutePath().normalize().toString());
    }
    PackageLocation l = PackageLocation.of(spec).offline(cli.offline());
    if (executorHome != null) {
      return l.inHome(executorHome);
    }
    return master().startsWith("local") ? l.inHome(cli.home()) : l;
  }

  GuildHome driverHome(GuildCli cli) {
    return GuildPackages.at(cli.home()).offline(cli.offline());
  }

  /** The model, pinned to the version the driver resolves. */
  PackageLocation model(GuildCli cli) {
    PackageLocation l = forExecutors(cli, model);
    return Files.isDirectory(Path.of(model)) ? l : l.pinnedTo(driverHome(cli).load(model));
  }

  /** The split as rows. */
  Dataset<Row> frame(SparkSession spark, GuildCli cli) {
    PackageLocation l = forExecutors(cli, dataset);
    int parts = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
    return DatasetFrames.read(spark, driverHome(cli), l, split, parts);
  }

  /**
   * Runs Spark work, turning a failed job into one clear error: the {@link GuildException} an
   * executor threw when there is one, else Spark's first line.
   */
  static <T> T run(java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (GuildException e) {
      throw e;
    } catch (RuntimeException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof GuildException ge) {
          throw new GuildException(ge.getMessage(), e);
        }
      }
      String m = String.valueOf(e.getMessage());
      int guild = m.indexOf(GuildException.class.getName() + ": ");
      if (guild >= 0) {
        String rest = m.substring(guild + GuildException.class.getName().length() + 2);
        throw new GuildException(rest.lines().findFirst().orElse(rest), e);
      }
      throw new GuildException("the Spark job failed: " + m.lines().findFirst().orElse(m), e);
    }
  }

  /** The dataset's {@code {"name", "version"}}, as {@code guild evaluate --json} names it. */
  ObjectNode datasetRef(GuildCli cli) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    Path folder = Path.of(dataset);
    if (Files.isDirectory(folder)) {
      Path abs = folder.toAbsolutePath().normalize();
      Path m = abs.resolve(PackageFormat.MANIFEST);
      if (Files.isRegularFile(m)) {
        try {
          Manifest manifest = Manifest.fromJson(new ObjectMapper().readTree(m.toFile()), m.toString());
          return o.put("name", manifest.name().value()).put("version", manifest.version().value());
        } catch (IOException e) {
          throw new GuildException(m + ": cannot read: " + GuildException.reason(e), e);
        }
      }
      return o.put("name", abs.getFileName().toString()).put("version", "0");
    }
    GuildPackage pkg = driverHome(cli).load(dataset);
    return o.put("name", pkg.name().value()).put("version", pkg.version().value());
  }
}
