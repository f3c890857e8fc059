package org.guildpkg.tf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildException;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

/** {@link SavedModel#close()} while calls run on other threads, on the real half_plus_two. */
class SavedModelCloseTest {
  static final int CALLS = 4;
  static final int ROWS = 10_000;

  @Test
  void closeWaitsForRunningCallsThatAllAnswerCorrectlyAndLaterCallsFail() throws Exception {
    SavedModel model = SavedModel.open(Fixtures.halfPlusTwo());
    CountDownLatch admitted = new CountDownLatch(CALLS);
    CountDownLatch release = new CountDownLatch(1);
    model.onCallAdmitted = () -> {
      admitted.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    ExecutorService pool = Executors.newFixedThreadPool(CALLS);
    Thread closer = new Thread(model::close, "closer");
    try {
      List<Future<float[][]>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        float[][] batch = new float[ROWS][1];
        for (float[] row : batch) {
          row[0] = i;
        }
        calls.add(pool.submit(() -> model.predict(batch)));
      }
      assertThat(admitted.await(60, TimeUnit.SECONDS)).as("all calls are inside the model").isTrue();

      closer.start();
      // Bounded poll: close() either blocks behind the running calls (right) or returns (wrong).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (closer.getState() != Thread.State.WAITING && closer.getState() != Thread.State.TERMINATED
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(closer.getState()).as("close() waits while calls run").isEqualTo(Thread.State.WAITING);

      release.countDown();
      for (int i = 0; i < CALLS; i++) {
        float[][] y = calls.get(i).get(60, TimeUnit.SECONDS);
        assertThat(y).hasNumberOfRows(ROWS);
        float want = 0.5f * i + 2;
        assertThat(Arrays.stream(y).allMatch(r -> Math.abs(r[0] - want) < 1e-4f))
            .as("call %d: every row is 0.5 * %d + 2", i, i).isTrue();
        assertThat(y[ROWS - 1][0]).isCloseTo(want, within(1e-4f));
      }
      closer.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(closer.isAlive()).as("close() returns once the calls ended").isFalse();

      assertThatThrownBy(() -> model.predict(new float[][] {{1f}}))
          .isInstanceOf(GuildException.class)
          .hasMessage("SavedModel " + Fixtures.halfPlusTwo() + " is closed; open it again to call it");
    } finally {
      release.countDown();
      pool.shutdownNow();
      model.close();
    }
  }
}
