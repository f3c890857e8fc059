package org.guildpkg.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.FeatureType;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.train.Evaluation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Example;

/**
 * guild-spark on {@code local[2]}: the real Fashion-MNIST test split as rows, batch prediction,
 * distributed evaluation against the one-machine {@code guild evaluate}, the CLI, and a
 * DataFrame written back as a dataset package.
 */
class SparkLocalTest {
  static PackagesFixture fx;
  static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    fx = PackagesFixture.get();
    startSession();
  }

  static void startSession() {
    spark = SparkSession.builder().master("local[2]").appName("guild-spark-local-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  PackageLocation dataset() {
    return PackageLocation.of(PackagesFixture.DATASET).inHome(fx.driverHome);
  }

  PackageLocation model() {
    return PackageLocation.of(PackagesFixture.MODEL).inHome(fx.driverHome);
  }

  @Test
  void theTestSplitIsReadAsRowsOverSeveralByteRangesOfItsOneShard() throws Exception {
    Split split = Dataset.of(GuildPackages.at(fx.driverHome).load(PackagesFixture.DATASET)).split("test");
    assertThat(split.files()).hasSize(1);
    org.apache.spark.sql.Dataset<Row> rows = DatasetFrames.read(spark, dataset(), "test", 3);

    assertThat(rows.rdd().getNumPartitions()).isEqualTo(3);
    assertThat(rows.columns()).containsExactly("image", "label");
    assertThat(rows.schema().apply("image").metadata().getString(FeatureColumns.DTYPE)).isEqualTo(FeatureType.UINT8.id());
    assertThat(FeatureColumns.classes(rows.schema())).hasSize(10).startsWith("T-shirt/top");
    // Every record exactly once: Fashion-MNIST's test split holds 1,000 images of each class.
    Map<Long, Long> perClass = new TreeMap<>();
    for (Row r : rows.groupBy("label").count().collectAsList()) {
      perClass.put(r.getLong(0), r.getLong(1));
    }
    assertThat(perClass).hasSize(10).allSatisfy((k, v) -> assertThat(v).isEqualTo(1000L));
    // The rows are the records, in file order across the ranges.
    List<Row> all = rows.collectAsList();
    try (var examples = split.stream()) {
      int i = 0;
      for (Example e : (Iterable<Example>) examples::iterator) {
        Row r = all.get(i++);
        assertThat((byte[]) r.get(0)).as("image of row %d", i)
            .isEqualTo(e.getFeatures().getFeatureMap().get("image").getBytesList().getValue(0).toByteArray());
        assertThat(r.getLong(1)).isEqualTo(e.getFeatures().getFeatureMap().get("label").getInt64List().getValue(0));
      }
      assertThat(i).isEqualTo(10_000);
    }
  }

  @Test
  void distributedEvaluationEqualsTheOneMachineEvaluation() {
    Evaluation e = DistributedEvaluation.evaluate(DatasetFrames.read(spark, dataset(), "test", 4), model(), 1000);
    Evaluation one = fx.oneMachine;
    assertThat(one.accuracy()).isBetween(0.6, 0.95); // trained, far above chance, not a constant
    assertThat(e.examples()).isEqualTo(one.examples());
    assertThat(e.accuracy()).isEqualTo(one.accuracy());
    assertThat(e.confusion()).isDeepEqualTo(one.confusion());
    assertThat(e.perClassAccuracy()).isEqualTo(one.perClassAccuracy());
    assertThat(e.loss()).isCloseTo(one.loss(), within(1e-5));
  }

  @Test
  void batchPredictionAddsClassNameAndProbabilitiesAgreeingWithTheEvaluation() {
    org.apache.spark.sql.Dataset<Row> out = BatchPrediction.predict(DatasetFrames.read(spark, dataset(), "test", 2), model(), 256);
    assertThat(out.columns()).containsExactly("image", "label", "class", "class_name", "probabilities");
    List<Row> rows = out.select("label", "class", "class_name", "probabilities").collectAsList();
    assertThat(rows).hasSize(10_000);
    List<String> classes = fx.oneMachine.classes();
    long right = 0;
    for (Row r : rows) {
      long k = r.getLong(1);
      assertThat(r.getString(2)).isEqualTo(classes.get((int) k));
      List<Float> p = r.getList(3);
      assertThat(p).hasSize(10);
      double sum = p.stream().mapToDouble(Float::doubleValue).sum();
      assertThat(sum).isCloseTo(1.0, within(1e-4));
      assertThat(p.get((int) k)).isEqualTo(p.stream().max(Float::compare).orElseThrow());
      right += r.getLong(0) == k ? 1 : 0;
    }
    assertThat(right / 10_000.0).isEqualTo(fx.oneMachine.accuracy());
  }

  @Test
  void aFrameWrittenBackIsADatasetPackageThatGuildPackagePacks() throws Exception {
    org.apache.spark.sql.Dataset<Row> boots =
        DatasetFrames.read(spark, dataset(), "test", 2).filter(functions.col("label").equalTo(9)).repartition(3);
    Path folder = tmp.resolve("boots");
    assertThat(DatasetFrames.write(boots, folder, "test")).isEqualTo(1000);
    DatasetFrames.definePackage(folder, "fashion-mnist-boots", "1.0");
    assertThat(folder.resolve("test-00002-of-00003.tfrecord")).isRegularFile();

    Path home = tmp.resolve("home");
    Path archive = PackageBuilder.forDirectory(folder).output(tmp.resolve("out")).home(home).build();
    Dataset view = Dataset.of(GuildPackages.at(home).offline(true).install(archive.toString()).get(0));
    assertThat(view.classes()).isEqualTo(fx.oneMachine.classes());
    assertThat(view.features().get("image").dtype()).isEqualTo(FeatureType.UINT8);
    assertThat(view.features().get("image").shape()).containsExactly(28L, 28L);
    assertThat(view.split("test").size()).isEqualTo(1000);
    assertThat(view.split("test").files()).hasSize(3);
    // Read back through Spark: the same images.
    org.apache.spark.sql.Dataset<Row> back = DatasetFrames.read(spark, PackageLocation.of(view.folder().toString()), "test");
    assertThat(back.filter(functions.col("label").notEqual(9)).count()).isZero();
    assertThat(back.select(functions.sum(functions.length(functions.col("image")))).first().getLong(0)).isEqualTo(784_000L);
    assertThat(back.except(boots).count()).isZero();
  }

  /** With no session running, the CLI starts its own on --master and stops it when done. */
  @Test
  void theCliEvaluatesAsGuildEvaluateAndWritesPredictionsAsParquet() throws Exception {
    spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    try {
      cliRuns();
    } finally {
      startSession();
    }
  }

  private void cliRuns() throws Exception {
    CliRun spark = CliRun.guild(fx.driverHome, "spark", "evaluate", PackagesFixture.MODEL, PackagesFixture.DATASET,
        "--split", "test", "--master", "local[2]", "--json");
    assertThat(spark.status()).as(spark.err()).isZero();
    CliRun one = CliRun.guild(fx.driverHome, "evaluate", "--model", PackagesFixture.MODEL,
        "--dataset", PackagesFixture.DATASET, "--split", "test", "--json");
    assertThat(one.status()).as(one.err()).isZero();
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(spark.out());
    JsonNode b = json.readTree(one.out());
    List<String> fields = List.of("examples", "accuracy", "per_class_accuracy", "confusion_matrix", "classes", "split", "dataset");
    for (String f : fields) {
      assertThat(a.get(f)).as(f).isEqualTo(b.get(f));
    }
    assertThat(a.get("loss").asDouble()).isCloseTo(b.get("loss").asDouble(), within(1e-5));

    Path parquet = tmp.resolve("predictions");
    CliRun predict = CliRun.guild(fx.driverHome, "spark", "predict", PackagesFixture.MODEL, PackagesFixture.DATASET,
        "--split", "test", "--master", "local[2]", "--output", parquet.toString(), "--without-features");
    assertThat(predict.status()).as(predict.err()).isZero();
    assertThat(predict.out()).contains("wrote 10000 predictions to " + parquet);
    assertThat(SparkSession.getDefaultSession().isDefined()).as("the CLI stopped the session it started").isFalse();
    startSession();
    org.apache.spark.sql.Dataset<Row> p = SparkLocalTest.spark.read().parquet(parquet.toString());
    assertThat(p.columns()).containsExactly("label", "class", "class_name", "probabilities");
    assertThat(p.filter("label = class").count() / 10_000.0).isEqualTo(fx.oneMachine.accuracy());

    CliRun again = CliRun.guild(fx.driverHome, "spark", "predict", PackagesFixture.MODEL, PackagesFixture.DATASET,
        "--output", parquet.toString());
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).startsWith("guild: ").contains(parquet + " exists already");
  }

  @Test
  void badInputGetsOneClearError() {
    assertThatThrownBy(() -> DatasetFrames.read(spark, dataset(), "validation"))
        .isInstanceOf(GuildException.class).hasMessageContaining("no split 'validation'").hasMessageContaining("its splits: test, train");
    org.apache.spark.sql.Dataset<Row> noLabel = DatasetFrames.read(spark, dataset(), "test", 1).drop("label");
    assertThatThrownBy(() -> DistributedEvaluation.evaluate(noLabel, model(), fx.oneMachine.classes(), 100))
        .hasMessageContaining("evaluation needs a 'label' column; columns: image");
    org.apache.spark.sql.Dataset<Row> renamed = DatasetFrames.read(spark, dataset(), "test", 1).withColumnRenamed("image", "pixels");
    assertThatThrownBy(() -> BatchPrediction.predict(renamed, model(), 100).count())
        .hasMessageContaining("the model's input 'image' has no column of that name; columns: pixels, label");
    CliRun missing = CliRun.guild(fx.driverHome, "spark", "evaluate", PackagesFixture.MODEL, PackagesFixture.DATASET,
        "--split", "nope", "--master", "local[1]");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).startsWith("guild: ").contains("no split 'nope'").doesNotContain("Exception");
  }
}
