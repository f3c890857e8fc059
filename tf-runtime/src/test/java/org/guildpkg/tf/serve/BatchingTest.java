package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.SavedModel;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/** Server-side batching: the same answers as without it, and requests that wait share a call. */
class BatchingTest {
  static String body(int i) {
    int rows = 1 + i % 3;
    StringBuilder b = new StringBuilder("{\"instances\": [");
    for (int r = 0; r < rows; r++) {
      b.append(r == 0 ? "" : ", ").append("[").append(i * 10 + r).append(".0]");
    }
    return b.append("]}").toString();
  }

  static String expected(int i) {
    int rows = 1 + i % 3;
    StringBuilder b = new StringBuilder("{\"predictions\": [");
    for (int r = 0; r < rows; r++) {
      b.append(r == 0 ? "" : ", ").append("[").append((i * 10 + r) / 2.0 + 2).append("]");
    }
    return b.append("]}").toString();
  }

  List<String> hammer(URI base) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int n = i;
        answers.add(pool.submit(() -> {
          Http.Reply r = Http.post(base, "/v1/models/half_plus_two:predict", body(n));
          assertThat(r.status()).as(r.text()).isEqualTo(200);
          return r.json().toString();
        }));
      }
      List<String> out = new ArrayList<>();
      for (Future<String> f : answers) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void batchingGivesTheSameAnswersAsNoBatchingUnderConcurrentRequests() throws Exception {
    try (ModelServer off = ModelServer.builder().threads(16).start();
        ModelServer on = ModelServer.builder().threads(16)
            .batching(new ModelServer.Batching(8, Duration.ofNanos(200_000))).start()) {
      off.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
      on.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
      List<String> a = hammer(off.uri());
      List<String> b = hammer(on.uri());
      assertThat(b).isEqualTo(a);
      for (int i = 0; i < a.size(); i++) {
        assertThat(Http.parse(b.get(i))).isEqualTo(Http.parse(expected(i)));
      }
    }
  }

  @Test
  void requestsThatArriveWhileTheModelIsBusyShareOneCall() throws Exception {
    try (SavedModel model = SavedModel.open(Http.tfServing().resolve("saved_model_half_plus_two_cpu/00000123"))) {
      Servable s = new Servable(new ServedModel("m", 1, Optional.empty(), model.path()), model, false, null, java.util.Set.of());
      ModelSignature sig = model.signature("serving_default").orElseThrow();
      Batcher batcher = new Batcher(64, 0);
      CountDownLatch firstCallStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<Long> callRows = new CopyOnWriteArrayList<>();
      Batcher.Runner runner = (g, in) -> {
        callRows.add(in.get("x").rows());
        firstCallStarted.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new ServableHandle(s).run(g, in);
      };
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        Future<Map<String, HostTensor>> first = pool.submit(() -> batcher.run(runner, sig, rows(1f)));
        assertThat(firstCallStarted.await(60, TimeUnit.SECONDS)).isTrue();
        List<Future<Map<String, HostTensor>>> waiting = new ArrayList<>();
        for (float v : new float[] {10f, 20f, 30f}) {
          waiting.add(pool.submit(() -> batcher.run(runner, sig, rows(v, v + 1))));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (batcher.queued(sig.key()) < 3 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertThat(batcher.queued(sig.key())).isEqualTo(3);
        release.countDown();
        assertThat((float[]) first.get(60, TimeUnit.SECONDS).get("y").data()).containsExactly(2.5f);
        float[] v = {10f, 20f, 30f};
        for (int i = 0; i < 3; i++) {
          HostTensor y = waiting.get(i).get(60, TimeUnit.SECONDS).get("y");
          assertThat(y.shape()).containsExactly(2, 1);
          assertThat((float[]) y.data()).containsExactly(v[i] / 2 + 2, (v[i] + 1) / 2 + 2);
        }
        // The first call alone, then the three waiting requests (six rows) in one call.
        assertThat(callRows).containsExactly(1L, 6L);
      } finally {
        release.countDown();
        pool.shutdownNow();
      }
    }
  }

  static Map<String, HostTensor> rows(float... values) {
    return Map.of("x", new HostTensor(DataType.DT_FLOAT, new long[] {values.length, 1}, values));
  }

  @Test
  void batchingRaisesTheDefaultHandlingLimitToTheBatchSizeSoThatABatchCanFill() {
    int base = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    try (ModelServer plain = ModelServer.builder().start();
        ModelServer small = ModelServer.builder()
            .batching(new ModelServer.Batching(2, Duration.ZERO)).start();
        ModelServer large = ModelServer.builder()
            .batching(new ModelServer.Batching(base + 40, Duration.ZERO)).start();
        ModelServer pinned = ModelServer.builder().threads(3)
            .batching(new ModelServer.Batching(100, Duration.ZERO)).start()) {
      assertThat(plain.threads()).isEqualTo(base);
      assertThat(small.threads()).isEqualTo(base);
      assertThat(large.threads()).isEqualTo(base + 40);
      assertThat(pinned.threads()).isEqualTo(3);
    }
  }
}
