import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.guildpkg.grpc.ModelClient;
import org.guildpkg.grpc.proto.PredictRequest;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The gRPC load generator of serve-grpc.sh: N threads, sharing one connection (as a gRPC client
 * does), call TensorFlow Serving's Predict on {@code HOST:PORT} for S seconds and print requests/s
 * and p50/p99 latency in the format of serve-wrk.lua.
 *
 * <p>Usage: {@code GrpcLoad HOST PORT MODEL SECONDS CONNECTIONS...}: half_plus_two with x = 1, 2, 5
 * as a [3, 1] tensor; with {@code -Dimages=IDX_GZ}: image 0 of that file as a uint8 [1, 28, 28]
 * {@code image} tensor (the Fashion-MNIST convnet).
 */
public final class GrpcLoad {
  public static void main(String[] args) throws Exception {
    String model = args[2];
    double seconds = Double.parseDouble(args[3]);
    PredictRequest request = request(model);
    try (ModelClient client = ModelClient.connect(args[0], Integer.parseInt(args[1]))) {
      long warm = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < warm) {
        client.predict(request);
      }
      for (int a = 4; a < args.length; a++) {
        int threads = Integer.parseInt(args[a]);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        int[] counts = new int[threads];
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          perThread.add(new long[1 << 14]);
          int id = t;
          ts.add(new Thread(() -> {
            long[] lat = perThread.get(id);
            int n = 0;
            while (!stop.get()) {
              long t0 = System.nanoTime();
              try {
                if (client.predict(request).getOutputsCount() == 0) {
                  errors.incrementAndGet();
                }
              } catch (RuntimeException e) {
                errors.incrementAndGet();
              }
              if (n == lat.length) {
                lat = Arrays.copyOf(lat, 2 * n);
              }
              lat[n++] = System.nanoTime() - t0;
            }
            perThread.set(id, lat);
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
        System.out.printf("grpc c=%d RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d requests=%d%n",
            threads, total / elapsed, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6,
            errors.get(), total);
      }
    }
  }

  private static PredictRequest request(String model) throws IOException {
    String images = System.getProperty("images");
    PredictRequest.Builder r = PredictRequest.newBuilder().setModelSpec(ModelClient.spec(model, ""));
    if (images == null) {
      return r.putInputs("x", ModelClient.tensor(new float[] {1, 2, 5}, 3, 1)).build();
    }
    byte[] image;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(images)))) {
      DataInputStream data = new DataInputStream(in);
      data.skipNBytes(16);
      image = data.readNBytes(784);
    }
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(1))
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(28))
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(28)).build();
    return r.putInputs("image", TensorProto.newBuilder().setDtype(DataType.DT_UINT8)
        .setTensorShape(shape).setTensorContent(ByteString.copyFrom(image)).build()).build();
  }
}
