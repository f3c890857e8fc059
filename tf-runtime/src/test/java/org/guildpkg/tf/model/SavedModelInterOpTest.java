package org.guildpkg.tf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildException;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code guild.tf.interOpThreads} session setting of loaded SavedModels. */
class SavedModelInterOpTest {

  @AfterEach
  void clear() {
    System.clearProperty(SavedModelLoading.INTER_OP_THREADS);
  }

  @Test
  void opsInTheCallingThreadGiveTheSameAnswersFromManyThreads() throws Exception {
    System.setProperty(SavedModelLoading.INTER_OP_THREADS, "-1");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (SavedModel m = SavedModel.open(Fixtures.halfPlusTwo())) {
      List<Future<float[][]>> answers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        float v = i;
        answers.add(pool.submit(() -> m.predict(new float[][] {{v}, {v + 1}})));
      }
      for (int i = 0; i < 64; i++) {
        assertThat(answers.get(i).get(30, TimeUnit.SECONDS))
            .isDeepEqualTo(new float[][] {{i / 2f + 2}, {(i + 1) / 2f + 2}});
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aValueThatIsNotANumberIsRefusedNamingTheProperty() {
    System.setProperty(SavedModelLoading.INTER_OP_THREADS, "caller");
    assertThatThrownBy(() -> SavedModel.open(Fixtures.halfPlusTwo()))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("-Dguild.tf.interOpThreads=caller is not a whole number");
  }
}
