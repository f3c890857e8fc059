package org.guildpkg.tf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Loads and calls TensorFlow Serving's real test SavedModels (TF1 and TF2) through the view. */
class SavedModelTest {
  static SavedModel tf1;

  @BeforeAll
  static void load() {
    tf1 = SavedModel.open(Fixtures.halfPlusTwo());
  }

  @AfterAll
  static void close() {
    tf1.close();
  }

  @Test
  void tf1HalfPlusTwoServingDefaultGivesHalfXPlusTwo() {
    assertThat(tf1.predict(new float[][] {{1f}, {2f}, {5f}}))
        .isDeepEqualTo(new float[][] {{2.5f}, {3.0f}, {4.5f}});
  }

  @Test
  void tf1HalfPlusTwoListsEverySignatureWithItsMethodDtypeAndShape() {
    assertThat(tf1.signatures())
        .extracting(ModelSignature::key)
        .containsExactly(
            "classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y", "regress_x_to_y2",
            "serving_default");
    ModelSignature serving = tf1.signature("serving_default").orElseThrow();
    assertThat(serving.methodName()).isEqualTo("tensorflow/serving/predict");
    TensorSpec x = serving.inputs().get("x");
    assertThat(x.dtype()).isEqualTo("float32");
    assertThat(x.shape()).contains(List.of(-1L, 1L));
    assertThat(x.tensorName()).isEqualTo("x:0");
    assertThat(serving.outputs()).containsOnlyKeys("y");
    ModelSignature regress = tf1.signature("regress_x_to_y").orElseThrow();
    assertThat(regress.methodName()).isEqualTo("tensorflow/serving/regress");
    assertThat(regress.inputs().get("inputs").dataType()).isEqualTo(DataType.DT_STRING);
    assertThat(regress.inputs().get("inputs").shape()).isEmpty();
    assertThat(tf1.signature("classify_x_to_y").orElseThrow().methodName())
        .isEqualTo("tensorflow/serving/classify");
  }

  @Test
  void tf1RegressXToYOnASerializedExampleWithX80Gives42() {
    byte[][] examples = {Fixtures.example("x", 80f)};
    try (ModelResult r = tf1.call("regress_x_to_y", "inputs", examples)) {
      assertThat(r.floatMatrix("outputs")).isDeepEqualTo(new float[][] {{42f}});
    }
    try (ModelResult r = tf1.call("classify_x_to_y", "inputs", examples)) {
      assertThat(r.floatValue("scores")).isEqualTo(42f);
    }
  }

  @Test
  void namedTensorCallLeavesInputsToTheCallerAndOutputsToTheResult() {
    try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{4f}}));
        ModelResult r = tf1.call("serving_default", Map.of("x", x))) {
      assertThat(r.names()).containsExactly("y");
      assertThat(((TFloat32) r.get("y")).getFloat(0, 0)).isEqualTo(4f);
      assertThat(x.getFloat(0, 0)).isEqualTo(4f);
    }
  }

  @Test
  void tf2HalfPlusTwoGivesTheSameAnswersAsTf1() {
    try (SavedModel tf2 = SavedModel.open(Fixtures.halfPlusTwoTf2())) {
      assertThat(tf2.signatures()).extracting(ModelSignature::key).doesNotContain("__saved_model_init_op");
      assertThat(tf2.signature("serving_default").orElseThrow().inputs().get("x").shape())
          .contains(List.of(1L));
      try (ModelResult r = tf2.callArrays("serving_default", Map.of("x", new float[] {1f, 2f, 5f}))) {
        assertThat(r.floats("y")).containsExactly(2.5f, 3.0f, 4.5f);
      }
      try (ModelResult r = tf2.call("regress_x_to_y", "inputs", new byte[][] {Fixtures.example("x", 80f)})) {
        assertThat(r.floatValue("outputs")).isEqualTo(42f);
      }
    }
  }

  @Test
  void halfPlusThreeLoadsDespiteASignatureThatContradictsItsGraph() {
    try (SavedModel m = SavedModel.open(Fixtures.halfPlusThree())) {
      // Its regress SignatureDef declares a float input where the graph has a string; TensorFlow
      // Java refuses the whole model for it, TensorFlow Serving only that signature, and so do we.
      // Its serving_default gives no shapes: unknown rank, not the scalar TensorFlow Java reads.
      assertThat(m.signatures()).extracting(ModelSignature::key).containsExactly("serving_default");
      assertThat(m.signature("serving_default").orElseThrow().inputs().get("x").shape()).isEmpty();
      assertThat(m.predict(new float[][] {{1f}, {2f}, {5f}}))
          .isDeepEqualTo(new float[][] {{3.5f}, {4.0f}, {5.5f}});
    }
  }

  @Test
  void signaturesThatWriteVariablesAreToldFromReadOnlyOnesByTheirGraph() {
    try (SavedModel counter = SavedModel.open(Fixtures.counter())) {
      assertThat(counter.stateChangingSignatures())
          .containsExactly("incr_counter", "incr_counter_by", "reset_counter");
      assertThat(counter.changesState("get_counter")).isFalse();
    }
    assertThat(tf1.stateChangingSignatures()).isEmpty();
    try (SavedModel tf2 = SavedModel.open(Fixtures.halfPlusTwoTf2())) {
      assertThat(tf2.signatures()).isNotEmpty();
      assertThat(tf2.stateChangingSignatures()).isEmpty();
    }
  }

  @Test
  void counterKeepsItsStateAcrossCalls() {
    try (SavedModel counter = SavedModel.open(Fixtures.counter())) {
      assertThat(counter.signatures())
          .extracting(ModelSignature::key)
          .containsExactly("get_counter", "incr_counter", "incr_counter_by", "reset_counter");
      assertThat(counter.signature("get_counter").orElseThrow().outputs().get("output").dtype())
          .isEqualTo("float32");
      float last = 0;
      for (int i = 0; i < 3; i++) {
        try (ModelResult r = counter.callArrays("incr_counter", Map.of())) {
          last = r.floatValue("output");
        }
      }
      assertThat(last).isEqualTo(3f);
      try (ModelResult r = counter.callArrays("get_counter", Map.of())) {
        assertThat(r.floatValue("output")).isEqualTo(3f);
      }
      try (ModelResult r = counter.callArrays("incr_counter_by", Map.of("delta", 4f))) {
        assertThat(r.floatValue("output")).isEqualTo(7f);
      }
      try (ModelResult r = counter.callArrays("reset_counter", Map.of())) {
        assertThat(r.floatValue("output")).isZero();
      }
      try (ModelResult r = counter.callArrays("get_counter", Map.of())) {
        assertThat(r.floatValue("output")).isZero();
      }
    }
  }

  @Test
  void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<float[][]>> futures = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        float v = i;
        futures.add(pool.submit(() -> tf1.predict(new float[][] {{v}, {v + 1}})));
      }
      for (int i = 0; i < futures.size(); i++) {
        float[][] y = futures.get(i).get();
        assertThat(y[0][0]).isCloseTo(0.5f * i + 2, within(1e-4f));
        assertThat(y[1][0]).isCloseTo(0.5f * (i + 1) + 2, within(1e-4f));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknownSignatureIsAnErrorNamingTheKnownOnes() {
    assertThatThrownBy(() -> tf1.call("predict", "x", new float[][] {{1f}}))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("no signature 'predict'")
        .hasMessageContaining("classify_x_to_y, regress_x2_to_y3, regress_x_to_y, regress_x_to_y2, serving_default")
        .hasMessageContaining(Fixtures.halfPlusTwo().toString());
  }

  @Test
  void missingInputIsAnErrorNamingSignatureAndInput() {
    assertThatThrownBy(() -> tf1.callArrays("serving_default", Map.of()))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("input 'x' of signature 'serving_default'")
        .hasMessageContaining("input missing (float32 [-1, 1])");
  }

  @Test
  void extraInputIsAnErrorNamingSignatureAndInput() {
    assertThatThrownBy(
            () -> tf1.callArrays(
                "serving_default", Map.of("x", new float[][] {{1f}}, "z", new float[][] {{1f}})))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("input 'z' of signature 'serving_default'")
        .hasMessageContaining("no such input; the signature's inputs: x");
  }

  @Test
  void wrongDtypeIsAnErrorNamingBothDtypes() {
    assertThatThrownBy(() -> tf1.call("serving_default", "x", new long[][] {{1L}}))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("input 'x' of signature 'serving_default'")
        .hasMessageContaining("wrong dtype int64, the signature wants float32");
    try (TInt64 t = TInt64.scalarOf(1)) {
      assertThatThrownBy(() -> tf1.call("regress_x_to_y", Map.of("inputs", t)))
          .hasMessageContaining("input 'inputs' of signature 'regress_x_to_y'")
          .hasMessageContaining("wrong dtype int64, the signature wants string");
    }
  }

  @Test
  void incompatibleShapeIsAnErrorNamingBothShapes() {
    assertThatThrownBy(() -> tf1.call("serving_default", "x", new float[][] {{1f, 2f}}))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("input 'x' of signature 'serving_default'")
        .hasMessageContaining("shape [1, 2] is incompatible with the signature's [-1, 1]");
    assertThatThrownBy(() -> tf1.callArrays("serving_default", Map.of("x", new float[] {1f})))
        .hasMessageContaining("shape [1] is incompatible with the signature's [-1, 1]");
  }

  @Test
  void unsupportedJavaValueIsAnErrorNamingTheInput() {
    assertThatThrownBy(() -> tf1.callArrays("serving_default", Map.of("x", List.of(1f))))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("input 'x' of signature 'serving_default'")
        .hasMessageContaining("cannot make a tensor of");
  }

  @Test
  void folderWithoutSavedModelIsAnErrorNamingTheFolder(@TempDir Path dir) {
    assertThatThrownBy(() -> SavedModel.open(dir))
        .isInstanceOf(GuildException.class)
        .hasMessage("no SavedModel in " + dir.toAbsolutePath() + ": saved_model.pb is missing");
  }

  @Test
  void corruptSavedModelIsAnErrorNamingTheFolder(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("saved_model.pb"), "not a protobuf");
    assertThatThrownBy(() -> SavedModel.open(dir))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith("cannot load the SavedModel in " + dir.toAbsolutePath());
  }

  @Test
  void callAfterCloseIsAnError() {
    SavedModel m = SavedModel.open(Fixtures.halfPlusTwo());
    m.close();
    m.close();
    assertThatThrownBy(() -> m.predict(new float[][] {{1f}}))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void modelPackageOpensAsSavedModelView() {
    Manifest manifest = new Manifest(
        PackageName.of("half-plus-two"), Version.parse("1"), PackageType.MODEL,
        "y = x / 2 + 2", null, null, null, null, null, null, null);
    try (SavedModel m = new GuildPackage(manifest, Fixtures.halfPlusTwo()).as(SavedModel.class)) {
      assertThat(m.predict(new float[][] {{2f}})).isDeepEqualTo(new float[][] {{3f}});
      assertThatThrownBy(() -> m.call("nope", Map.of()))
          .hasMessageContaining("SavedModel half-plus-two@1 (");
    }
  }
}
