import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guildpkg.tf.model.SavedModel;

/**
 * The in-process baseline of serve-wrk.sh: N threads call half_plus_two's serving_default with the
 * same three rows the HTTP runs send, for S seconds, and print requests/s and p50/p99 latency in
 * the format of serve-wrk.lua. Usage: InProcessPredict MODEL_DIR SECONDS CONNECTIONS...
 */
public final class InProcessPredict {
  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(args[1]);
    try (SavedModel model = SavedModel.open(Path.of(args[0]))) {
      float[][] rows = {{1f}, {2f}, {5f}};
      for (int i = 0; i < 2000; i++) { // warm up
        model.predict(rows);
      }
      for (int a = 2; a < args.length; a++) {
        int threads = Integer.parseInt(args[a]);
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> ts = new ArrayList<>();
        int[] counts = new int[threads];
        for (int t = 0; t < threads; t++) {
          long[] lat = new long[4_000_000];
          perThread.add(lat);
          int id = t;
          ts.add(new Thread(() -> {
            int n = 0;
            while (!stop.get() && n < lat.length) {
              long t0 = System.nanoTime();
              float[][] y = model.predict(rows);
              lat[n++] = System.nanoTime() - t0;
              if (y[2][0] != 4.5f) {
                throw new AssertionError("wrong answer");
              }
            }
            counts[id] = n;
          }));
        }
        long start = System.nanoTime();
        ts.forEach(Thread::start);
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        for (Thread t : ts) {
          t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
          System.arraycopy(perThread.get(t), 0, all, at, counts[t]);
          at += counts[t];
        }
        Arrays.sort(all);
        System.out.printf("inprocess c=%d RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=0 requests=%d%n",
            threads, total / elapsed, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6, total);
      }
    }
  }
}
