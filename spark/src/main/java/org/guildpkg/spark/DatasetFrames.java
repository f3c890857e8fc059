package org.guildpkg.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.data.TFRecordCompression;
import org.guildpkg.tf.data.TFRecordWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * A dataset package's split as a Spark {@code Dataset<Row>}, and a DataFrame written back as a
 * split of sharded TFRecords in a dataset package folder.
 *
 * <pre>{@code
 * Dataset<Row> test = DatasetFrames.read(spark, PackageLocation.of("fashion-mnist@1.0"), "test");
 * DatasetFrames.write(test.filter("label = 9"), Path.of("boots"), "test");
 * DatasetFrames.definePackage(Path.of("boots"), "fashion-mnist-boots", "1.0"); // then: guild package boots
 * }</pre>
 *
 * <p>Reading makes one partition per TFRecord shard, and cuts plain (uncompressed) shards into
 * byte ranges on record boundaries so that a split of one big file still spreads over every
 * core. Each executor opens the package where it runs ({@link PackageLocation}): the driver pins
 * the version it resolved, so all executors read the same package.
 */
public final class DatasetFrames {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetFrames.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HINTS = "dataset.json";

  private DatasetFrames() {}

  /** Reads a split with as many partitions as the session's default parallelism (at least one per shard). */
  public static Dataset<Row> read(SparkSession spark, PackageLocation dataset, String split) {
    return read(spark, dataset, split, spark.sparkContext().defaultParallelism());
  }

  /**
   * Reads a split of a dataset package as rows, one column per feature (see the column types in
   * {@link #schema}); the label column's metadata holds the class names.
   *
   * @param partitions about how many partitions to make; never fewer than the split's files
   * @throws GuildException when the package is not a dataset, has no such split, or a record does
   *     not match the dataset's features (when the rows are read)
   */
  public static Dataset<Row> read(SparkSession spark, PackageLocation dataset, String split, int partitions) {
    return read(spark, dataset.guildHome(), dataset, split, partitions);
  }

  /**
   * Like {@link #read(SparkSession, PackageLocation, String, int)}, with the driver opening the
   * package in {@code driverHome} while executors use the location's home (their own
   * {@code GUILD_HOME} when it names none): for a driver whose home the executors cannot see.
   */
  public static Dataset<Row> read(
      SparkSession spark, GuildHome driverHome, PackageLocation dataset, String split, int partitions) {
    if (partitions < 1) {
      throw new GuildException("partitions must be at least 1, not " + partitions);
    }
    Opened opened = open(driverHome, dataset);
    Split s = opened.view().split(split);
    List<RecordRange> ranges = plan(opened.folder(), s, partitions);
    StructType schema = schema(opened.view());
    PackageLocation pinned = opened.pinned();
    LOG.debug("reading {} split {} as {} partitions", pinned, split, ranges.size());
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(ranges, ranges.size())
        .mapPartitions(it -> rows(pinned, split, it));
    return spark.createDataFrame(rows, schema);
  }

  /**
   * The columns of a dataset's features, in manifest order: uint8 as {@code binary} (raw bytes,
   * row-major), int64 and float32 as {@code bigint}/{@code float} or arrays of them, string as
   * {@code binary} or arrays of it; metadata keeps the dtype, shape and (on {@code label}) the
   * class names.
   */
  public static StructType schema(org.guildpkg.tf.data.Dataset dataset) {
    return FeatureColumns.of(dataset.features()).schema(dataset.classes());
  }

  /**
   * A package opened on the driver.
   *
   * @param pinned the location executors use: a folder, or the exact NAME@VERSION resolved here
   */
  record Opened(Path folder, org.guildpkg.tf.data.Dataset view, PackageLocation pinned) {}

  static Opened open(GuildHome driverHome, PackageLocation location) {
    if (location.folder().isPresent()) {
      Path folder = location.folder().get();
      return new Opened(folder, org.guildpkg.tf.data.Dataset.open(folder), location);
    }
    GuildPackage pkg = driverHome.load(location.spec());
    return new Opened(pkg.path(), org.guildpkg.tf.data.Dataset.of(pkg), location.pinnedTo(pkg));
  }

  static List<RecordRange> plan(Path folder, Split split, int partitions) {
    List<String> files = new ArrayList<>();
    long total = 0;
    for (Path f : split.files()) {
      files.add(folder.relativize(f).toString());
      total += size(f);
    }
    List<RecordRange> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      if (split.compression() != TFRecordCompression.NONE) {
        out.add(RecordRange.whole(files.get(i)));
        continue;
      }
      long size = size(split.files().get(i));
      int parts = total == 0 ? 1 : (int) Math.max(1, Math.round((double) partitions * size / total));
      out.addAll(RecordRange.split(folder, files.get(i), parts));
    }
    return out;
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new GuildException("cannot read " + f + ": " + GuildException.reason(e), e);
    }
  }

  /** The rows of one partition's ranges, read lazily on the executor. */
  private static Iterator<Row> rows(PackageLocation location, String split, Iterator<RecordRange> ranges) {
    Path folder = location.resolve();
    org.guildpkg.tf.data.Dataset view = org.guildpkg.tf.data.Dataset.open(folder);
    view.split(split); // fails early, naming the splits, when the executor's package lacks it
    Map<String, FeatureSpec> specs = view.features();
    FeatureColumns cols = FeatureColumns.of(specs);
    List<RecordRange> list = new ArrayList<>();
    ranges.forEachRemaining(list::add);
    return new Iterator<>() {
      private int next;
      private RangeReader reader;
      private ByteBuffer record;

      @Override
      public boolean hasNext() {
        while (record == null) {
          if (reader == null) {
            if (next == list.size()) {
              return false;
            }
            RangeReader r = new RangeReader(folder, list.get(next++));
            reader = r;
            TaskContext tc = TaskContext.get();
            if (tc != null) {
              tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> r.close());
            }
          }
          record = reader.next();
          if (record == null) {
            reader.close();
            reader = null;
          }
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row row = cols.toRow(record, specs);
        record = null;
        return row;
      }
    };
  }

  /**
   * Writes a DataFrame as split {@code split} of a dataset package folder: one TFRecord shard
   * per partition ({@code SPLIT-00000-of-00004.tfrecord}, each written beside its final name and
   * renamed), and the split, the features' dtypes and shapes and the class names (from the
   * columns' metadata) merged into the folder's {@code dataset.json}. Earlier shards of the same
   * split are removed first. Executors write the shards, so on a cluster {@code folder} must be
   * on a file system every executor sees.
   *
   * @return how many rows were written
   * @throws GuildException when a column's type has no {@code tf.train.Example} form
   */
  public static long write(Dataset<Row> frame, Path folder, String split) {
    if (!split.matches("[A-Za-z0-9_.]+")) {
      throw new GuildException("split name '" + split + "' must be letters, digits, '_' or '.'");
    }
    Path dir = folder.toAbsolutePath().normalize();
    StructType schema = frame.schema();
    for (var f : schema.fields()) {
      // Fails before any file is touched when a column cannot be written.
      checkWritable(f);
    }
    try {
      Files.createDirectories(dir);
      Pattern old = Pattern.compile(Pattern.quote(split) + "-\\d{5}-of-\\d{5}\\.tfrecord");
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.filter(p -> old.matcher(p.getFileName().toString()).matches()).toList()) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new GuildException("cannot prepare " + dir + ": " + GuildException.reason(e), e);
    }
    int n = frame.rdd().getNumPartitions();
    String where = dir.toString();
    List<Tuple2<String, Long>> shards = frame.javaRDD()
        .mapPartitionsWithIndex((index, rows) -> List.of(writeShard(Path.of(where), split, index, n, schema, rows)).iterator(), false)
        .collect();
    long total = 0;
    ObjectNode hints = readHints(dir);
    ObjectNode splits = hints.with("splits");
    ArrayNode files = splits.putObject(split).putArray("files");
    for (Tuple2<String, Long> s : shards) {
      files.add(s._1());
      total += s._2();
    }
    ObjectNode fromSchema = JSON.valueToTree(FeatureColumns.hints(schema));
    if (fromSchema.has("features")) {
      hints.with("features").setAll((ObjectNode) fromSchema.get("features"));
    }
    if (fromSchema.has("classes")) {
      hints.set("classes", fromSchema.get("classes"));
    }
    try {
      Path tmp = dir.resolve("." + HINTS + ".tmp-" + UUID.randomUUID());
      Files.writeString(tmp, hints.toPrettyString() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(HINTS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new GuildException("cannot write " + dir.resolve(HINTS) + ": " + GuildException.reason(e), e);
    }
    LOG.info("wrote {} rows as {} shards of split {} into {}", total, n, split, dir);
    return total;
  }

  private static void checkWritable(org.apache.spark.sql.types.StructField f) {
    String t = f.dataType().simpleString();
    if (!t.matches("(array<)?(binary|string|bigint|int|smallint|tinyint|float|double)>?")) {
      throw new GuildException(
          "column '" + f.name() + "' has type " + t
              + ", which a tf.train.Example cannot hold; use binary, string, integer, float or arrays of them");
    }
  }

  private static Tuple2<String, Long> writeShard(
      Path dir, String split, int index, int of, StructType schema, Iterator<Row> rows) throws IOException {
    String name = String.format(java.util.Locale.ROOT, "%s-%05d-of-%05d.tfrecord", split, index, of);
    Path tmp = dir.resolve("." + name + ".tmp-" + UUID.randomUUID());
    long count = 0;
    try (TFRecordWriter w = TFRecordWriter.create(tmp)) {
      while (rows.hasNext()) {
        w.write(FeatureColumns.toExample(rows.next(), schema).toByteArray());
        count++;
      }
    } catch (RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    return new Tuple2<>(name, count);
  }

  private static ObjectNode readHints(Path dir) {
    Path f = dir.resolve(HINTS);
    if (!Files.isRegularFile(f)) {
      return JSON.createObjectNode();
    }
    try {
      if (JSON.readTree(f.toFile()) instanceof ObjectNode o) {
        return o;
      }
      throw new GuildException(f + ": not a JSON object; remove it or fix it");
    } catch (IOException e) {
      throw new GuildException(f + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a minimal {@code GuildPkg} (type {@code dataset}) into a folder written by
   * {@link #write}, unless one is there, so that {@code guild package FOLDER} packs it.
   *
   * @throws GuildException when the name or version is not valid for a package
   */
  public static void definePackage(Path folder, String name, String version) {
    org.guildpkg.spec.PackageName.of(name);
    org.guildpkg.spec.Version.parse(version);
    Path f = folder.resolve("GuildPkg");
    if (Files.exists(f)) {
      return;
    }
    try {
      Files.createDirectories(folder);
      Files.writeString(f, "[package]\nname = " + name + "\nversion = " + version + "\ntype = dataset\n"
          + "description = written from a Spark DataFrame by guild-spark\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GuildException("cannot write " + f + ": " + GuildException.reason(e), e);
    }
  }
}
