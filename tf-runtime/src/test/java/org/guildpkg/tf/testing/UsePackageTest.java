package org.guildpkg.tf.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.tf.model.SavedModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The {@link UsePackage} extension, driving sample test classes through JUnit's own engine: a
 * missing package skips with the reason, an archive is installed once, and the view is shared by
 * the class's tests and closed after them.
 */
class UsePackageTest {
  @TempDir Path dir;
  static final List<SavedModel> SEEN = new ArrayList<>();

  @AfterEach
  void clearProperties() {
    System.clearProperty("guild.home");
    System.clearProperty("guild.offline");
    System.clearProperty("guild.test.archives");
    System.clearProperty("guild.test.packages");
    SEEN.clear();
  }

  static class NeedsAMissingPackage {
    @UsePackage("no-such-model") SavedModel model;

    @Test
    void usesIt() {
      throw new AssertionError("must not run");
    }
  }

  static class NeedsHalfPlusTwo {
    @UsePackage("half-plus-two") static SavedModel shared;

    @Test
    void fieldAndParameterGetTheSameModel(@UsePackage("half-plus-two") SavedModel model) {
      assertThat(model).isSameAs(shared);
      assertThat(model.predict(new float[][] {{1f}, {2f}, {5f}})).isEqualTo(new float[][] {{2.5f}, {3f}, {4.5f}});
      SEEN.add(model);
    }

    @Test
    void aSecondTestSharesIt(@UsePackage("half-plus-two") GuildPackage pkg) {
      assertThat(pkg.name().value()).isEqualTo("half-plus-two");
      SEEN.add(shared);
    }
  }

  @Test
  void aMissingPackageOfflineSkipsTheTestWithTheReason() {
    System.setProperty("guild.home", dir.resolve("home").toString());
    System.setProperty("guild.offline", "true");
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsAMissingPackage.class))
        .execute().testEvents();
    tests.assertStatistics(s -> s.skipped(1).started(0).failed(0));
    String why = tests.skipped().list().get(0).getRequiredPayload(String.class);
    assertThat(why)
        .contains("package 'no-such-model' is not installed in " + dir.resolve("home"))
        .contains("Guild is offline")
        .contains("install it with 'guild --home");
  }

  @Test
  void aMissingParameterPackageDisablesTheTestWithTheReason() {
    System.setProperty("guild.home", dir.resolve("home").toString());
    System.setProperty("guild.offline", "true");
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsHalfPlusTwo.class))
        .execute().testEvents();
    // The static field's package is missing: the class is skipped, nothing fails.
    assertThat(tests.started().count()).isZero();
    Events classes = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsHalfPlusTwo.class))
        .execute().containerEvents();
    assertThat(classes.skipped().list()).singleElement()
        .satisfies(e -> assertThat(e.getRequiredPayload(String.class)).contains("package 'half-plus-two' is not installed"));
  }

  @Test
  void anArchiveIsInstalledOnceSharedByTheClassAndClosedAfterIt() throws Exception {
    Path root = Path.of(System.getProperty("guild.repoRoot", ".."));
    Path archives = Files.createDirectories(dir.resolve("archives"));
    PackageBuilder.forDirectory(root.resolve("examples/packages/half-plus-two"))
        .output(archives).home(dir.resolve("build-home")).progress(l -> { }).build();
    Path home = dir.resolve("home");
    System.setProperty("guild.home", home.toString());
    System.setProperty("guild.offline", "true");
    System.setProperty("guild.test.archives", archives.toString());

    EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsHalfPlusTwo.class))
        .execute().testEvents().assertStatistics(s -> s.started(2).succeeded(2));

    assertThat(GuildPackages.at(home).list()).extracting(p -> p.toString()).containsExactly("half-plus-two@1.0");
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get(0)).isSameAs(SEEN.get(1));
    assertThatThrownBy(() -> SEEN.get(0).predict(new float[][] {{1f}}))
        .isInstanceOf(GuildException.class).hasMessageContaining("is closed");
  }

  @Test
  void aPackageFolderIsBuiltAndInstalledWhenNoArchiveHasIt() {
    Path root = Path.of(System.getProperty("guild.repoRoot", ".."));
    Path home = dir.resolve("home");
    System.setProperty("guild.home", home.toString());
    System.setProperty("guild.offline", "true");
    System.setProperty("guild.test.packages", root.resolve("examples/packages").toString());

    EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsHalfPlusTwo.class))
        .execute().testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    assertThat(GuildPackages.at(home).find("half-plus-two@1.0")).isPresent();
  }
}
