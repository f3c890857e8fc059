package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.guildpkg.cli.CliRun.guild;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.project.Projects;
import org.guildpkg.tf.train.TrainableModelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code guild init} through the real command line. */
public class InitCommandTest {
  public static String template(String name) {
    return TrainableModelTest.examples().resolve(name).toString();
  }

  @Test
  void initCopiesTheModelCodeAndFlagsIntoANewProject(@TempDir Path tmp) throws Exception {
    CliRun o = guild(tmp.resolve("home"), "init", "--template", template("fashion-mnist-convnet-src"),
        tmp.resolve("p").toString());
    assertThat(o.status()).as(o.err()).isZero();
    assertThat(tmp.resolve("p/FashionMnistConvnet.java")).isRegularFile();
    assertThat(tmp.resolve("p/model.json")).isRegularFile();
    assertThat(tmp.resolve("p/GuildPkg")).doesNotExist();
    assertThat(Projects.source(tmp.resolve("p")).name()).isEqualTo("fashion-mnist-convnet-src");
    assertThat(o.out().strip()).isEqualTo(tmp.resolve("p").toString());
  }

  @Test
  void printVarsListsEveryFlagWithDefaultTypeAndHelp(@TempDir Path tmp) {
    CliRun o = guild(tmp.resolve("home"), "init", "--template", template("fashion-mnist-convnet-src"), "--print-vars");
    assertThat(o.status()).isZero();
    assertThat(o.out()).containsPattern("dropout +0\\.4 +float +Fraction of the dense layer")
        .containsPattern("learning_rate +0\\.001 +float");
    assertThat(tmp.resolve("home")).doesNotExist();
  }

  @Test
  void initRefusesAFolderThatIsNotEmptyAndChangesNothing(@TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("p"));
    Files.writeString(tmp.resolve("p/mine.txt"), "keep");
    CliRun o = guild(tmp.resolve("home"), "init", "--template", template("fashion-mnist-softmax-src"),
        tmp.resolve("p").toString());
    assertThat(o.status()).isEqualTo(1);
    assertThat(o.err()).startsWith("guild: " + tmp.resolve("p") + " exists and is not empty");
    try (var s = Files.list(tmp.resolve("p"))) {
      assertThat(s.toList()).containsExactly(tmp.resolve("p/mine.txt"));
    }
  }
}
