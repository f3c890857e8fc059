import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.model.SavedModel;

/**
 * The in-process baseline of serve-wrk.sh: N threads call a model's serving_default with what one
 * HTTP request of the same run carries, for S seconds, and print requests/s and p50/p99 latency in
 * the format of serve-wrk.lua, with the process's CPU (cores) as {@code server_cores}. Warms up
 * for {@code -Dwarmup=SECONDS} (default 1) first.
 *
 * <p>Usage: {@code InProcessPredict MODEL_DIR SECONDS CONNECTIONS...}: half_plus_two, called with
 * the three rows x = 1, 2, 5. With {@code -Dimages=IDX_GZ [-Dindex=I]}: a classifier of uint8 28x28
 * images (the Fashion-MNIST convnet) called with test image I (default 0) of that IDX file; it
 * first prints the class the model gives it ({@code class=N}), which the HTTP answers must match.
 */
public final class InProcessPredict {
  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(args[1]);
    try (SavedModel model = SavedModel.open(Path.of(args[0]))) {
      Runnable call = call(model);
      long warm = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("warmup", "1")) * 1e9);
      while (System.nanoTime() < warm) {
        call.run();
      }
      for (int a = 2; a < args.length; a++) {
        int threads = Integer.parseInt(args[a]);
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> ts = new ArrayList<>();
        int[] counts = new int[threads];
        for (int t = 0; t < threads; t++) {
          perThread.add(new long[1 << 14]);
          int id = t;
          ts.add(new Thread(() -> {
            long[] lat = perThread.get(id);
            int n = 0;
            while (!stop.get()) {
              long t0 = System.nanoTime();
              call.run();
              if (n == lat.length) {
                lat = Arrays.copyOf(lat, 2 * n);
              }
              lat[n++] = System.nanoTime() - t0;
            }
            perThread.set(id, lat);
            counts[id] = n;
          }));
        }
        long cpu0 = cpuNanos();
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
        System.out.printf("inprocess c=%d RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=0 requests=%d"
                + " client_cores=0 server_cores=%.2f%n", threads, total / elapsed, all[total / 2] / 1e6,
            all[(int) (total * 0.99)] / 1e6, total, (cpuNanos() - cpu0) / 1e9 / elapsed);
      }
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** One call of the model, as one HTTP request of the same run; throws on a wrong answer. */
  private static Runnable call(SavedModel model) throws IOException {
    String images = System.getProperty("images");
    if (images == null) {
      float[][] rows = {{1f}, {2f}, {5f}};
      return () -> {
        if (model.predict(rows)[2][0] != 4.5f) {
          throw new AssertionError("wrong answer");
        }
      };
    }
    byte[][] image = {image(Path.of(images), Integer.getInteger("index", 0))};
    Classifier classifier = Classifier.of(model);
    int expected = classifier.classifyBatch(image).get(0).index();
    System.out.println("class=" + expected);
    return () -> {
      if (classifier.classifyBatch(image).get(0).index() != expected) {
        throw new AssertionError("the class changed");
      }
    };
  }

  /** Image {@code index} of a gzipped IDX3 file of 28x28 uint8 images. */
  private static byte[] image(Path idx, int index) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(idx))) {
      DataInputStream data = new DataInputStream(in);
      if (data.readInt() != 0x803 || data.readInt() <= index || data.readInt() != 28 || data.readInt() != 28) {
        throw new IOException(idx + " is not an IDX file of 28x28 images with image " + index);
      }
      data.skipNBytes(784L * index);
      return data.readNBytes(784);
    }
  }
}
