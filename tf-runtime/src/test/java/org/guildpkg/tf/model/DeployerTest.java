package org.guildpkg.tf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes real SavedModels in TensorFlow Serving's layout and loads them back from there. */
class DeployerTest {
  @TempDir Path base;

  @Test
  void firstDeployIsVersion1WithTheSavedModelsPartsAndItLoads() {
    Deployer.Deployment d =
        Deployer.to(base).deploy(Fixtures.halfPlusTwo(), "half-plus-two", OptionalLong.empty());
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.path()).isEqualTo(base.resolve("half-plus-two/1"));
    assertThat(d.path().resolve("saved_model.pb")).isRegularFile();
    assertThat(d.path().resolve("variables/variables.index")).isRegularFile();
    assertThat(d.path().resolve("assets/foo.txt")).isRegularFile();
    try (SavedModel m = SavedModel.open(d.path())) {
      assertThat(m.predict(new float[][] {{1f}, {2f}, {5f}}))
          .isDeepEqualTo(new float[][] {{2.5f}, {3.0f}, {4.5f}});
    }
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void nextDeployTakesTheIntegerAfterTheHighestExistingVersion() throws Exception {
    Files.createDirectories(base.resolve("half-plus-two/00000123"));
    Files.createDirectories(base.resolve("half-plus-two/not-a-version"));
    Deployer deployer = Deployer.to(base);
    assertThat(deployer.deploy(Fixtures.halfPlusTwo(), "half-plus-two", OptionalLong.empty()).version())
        .isEqualTo(124);
    assertThat(deployer.deploy(Fixtures.halfPlusTwoTf2(), "half-plus-two", OptionalLong.empty()).version())
        .isEqualTo(125);
    assertThat(deployer.versions("half-plus-two")).containsExactly(123L, 124L, 125L);
  }

  @Test
  void anExistingVersionIsNeverOverwrittenWhateverItsSpelling() throws Exception {
    Path old = Files.createDirectories(base.resolve("half-plus-two/0007"));
    Files.writeString(old.resolve("keep"), "old");
    assertThatThrownBy(
            () -> Deployer.to(base).deploy(Fixtures.halfPlusTwo(), "half-plus-two", OptionalLong.of(7)))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining(old + " exists already")
        .hasMessageContaining("next free one (8)");
    try (Stream<Path> s = Files.list(base.resolve("half-plus-two"))) {
      assertThat(s).containsExactly(old);
    }
    assertThat(old.resolve("keep")).hasContent("old");
  }

  @Test
  void modelWithoutServingDefaultIsRefusedAndNothingIsWritten() {
    assertThatThrownBy(() -> Deployer.to(base).deploy(Fixtures.counter(), "counter", OptionalLong.empty()))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("has no serving_default signature")
        .hasMessageContaining("get_counter, incr_counter, incr_counter_by, reset_counter");
    assertThat(base.resolve("counter")).doesNotExist();
  }

  @Test
  void deploymentLeavesOutTrainAndEvaluateUnlessAllowed(@TempDir Path tmp) {
    Path model = LinearModelExport.export(tmp.resolve("linear"));
    Deployer.Deployment d = Deployer.to(base).deploy(model, "linear", OptionalLong.empty());
    assertThat(d.leftOut()).containsExactly("evaluate", "train");
    try (SavedModel m = SavedModel.open(d.path())) {
      assertThat(m.signatures()).extracting(ModelSignature::key).containsExactly("serving_default");
      assertThat(m.predict(new float[][] {{3f}})).isDeepEqualTo(new float[][] {{3f}});
    }
    Deployer.Deployment all = Deployer.to(base).allowSignatures(java.util.Set.of("train", "evaluate"))
        .deploy(model, "linear", OptionalLong.empty());
    assertThat(all.leftOut()).isEmpty();
    try (SavedModel m = SavedModel.open(all.path())) {
      assertThat(m.signatures()).extracting(ModelSignature::key)
          .containsExactly("evaluate", "serving_default", "train");
      assertThat(m.changesState("train")).isTrue();
      assertThat(m.changesState("evaluate")).isFalse();
    }
    // The source model is untouched.
    try (SavedModel m = SavedModel.open(model)) {
      assertThat(m.signatures()).hasSize(3);
    }
  }

  @Test
  void folderWithoutSavedModelIsRefusedNamingIt(@TempDir Path empty) {
    assertThatThrownBy(() -> Deployer.to(base).deploy(empty, "x", OptionalLong.empty()))
        .hasMessageContaining("no SavedModel in " + empty.toAbsolutePath());
  }

  @Test
  void concurrentDeploysOfOneModelGetDistinctVersions() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Deployer.Deployment>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Deployer.Deployment> c =
            () -> Deployer.to(base).deploy(Fixtures.halfPlusTwo(), "half-plus-two", OptionalLong.empty());
        futures.add(pool.submit(c));
      }
      List<Long> versions = new ArrayList<>();
      for (Future<Deployer.Deployment> f : futures) {
        versions.add(f.get().version());
      }
      assertThat(versions).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
      assertThat(leftovers()).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  private List<Path> leftovers() {
    try (Stream<Path> s = Files.walk(base)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".guild-deploy-")).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
