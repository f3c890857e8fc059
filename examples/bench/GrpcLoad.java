import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.guildpkg.grpc.ModelClient;
import org.guildpkg.grpc.proto.PredictRequest;
import org.guildpkg.grpc.proto.PredictResponse;
import org.guildpkg.grpc.proto.PredictionServiceGrpc;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The gRPC load generator of serve.sh: N calls of TensorFlow Serving's Predict kept in flight on
 * one connection to {@code HOST:PORT} (as wrk keeps N requests in flight on N connections, from
 * one event loop: no thread per caller, so the load generator takes little of the CPU it shares
 * with the server), for S seconds each, after W seconds of warm-up at the highest N (the gRPC
 * path is thousands of methods the JIT compiles; on a busy machine that takes tens of seconds).
 * Prints requests/s, p50/p99 latency and the client's CPU (cores; the server's too when
 * {@code -Dserver.pid=PID} names its process) in the format of serve-wrk.lua.
 *
 * <p>Usage: {@code GrpcLoad HOST PORT MODEL SECONDS WARMUP_SECONDS CONCURRENCY...}:
 * half_plus_two with x = 1, 2, 5 as a [3, 1] tensor; with {@code -Dimages=IDX_GZ}: image 0 of that
 * file as a uint8 [1, 28, 28] {@code image} tensor (the Fashion-MNIST convnet).
 */
public final class GrpcLoad {
  private static final int MAX_SAMPLES = 1 << 23;

  public static void main(String[] args) throws Exception {
    String model = args[2];
    double seconds = Double.parseDouble(args[3]);
    double warmup = Double.parseDouble(args[4]);
    PredictRequest request = request(model);
    ManagedChannel channel = NettyChannelBuilder.forAddress(args[0], Integer.parseInt(args[1]))
        .usePlaintext().directExecutor().maxInboundMessageSize(ModelClient.MAX_MESSAGE_BYTES).build();
    try {
      PredictionServiceGrpc.PredictionServiceFutureStub stub =
          PredictionServiceGrpc.newFutureStub(channel);
      int most = 1;
      for (int a = 5; a < args.length; a++) {
        most = Math.max(most, Integer.parseInt(args[a]));
      }
      run(stub, request, most, warmup, new long[MAX_SAMPLES]);
      long[] lat = new long[MAX_SAMPLES];
      for (int a = 5; a < args.length; a++) {
        int n = Integer.parseInt(args[a]);
        run(stub, request, n, 1, lat);
        Result r = run(stub, request, n, seconds, lat);
        long[] sorted = Arrays.copyOf(lat, r.calls);
        Arrays.sort(sorted);
        System.out.printf("grpc c=%d RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d requests=%d"
                + " client_cores=%.2f server_cores=%.2f%n", n, r.calls / r.seconds,
            sorted[r.calls / 2] / 1e6, sorted[(int) (r.calls * 0.99)] / 1e6, r.errors, r.calls,
            r.cpuSeconds / r.seconds, r.serverCpuSeconds / r.seconds);
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  record Result(int calls, long errors, double seconds, double cpuSeconds, double serverCpuSeconds) {}

  /** N calls in flight for S seconds; each answer starts the next call. */
  private static Result run(PredictionServiceGrpc.PredictionServiceFutureStub stub,
      PredictRequest request, int n, double seconds, long[] lat) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(n);
    long cpu0 = cpuNanos();
    long server0 = serverTicks();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      call(stub, request, stop, calls, errors, done, lat);
    }
    Thread.sleep((long) (seconds * 1000));
    stop.set(true);
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still open 60 s after the run");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Result(Math.min(calls.get(), lat.length), errors.get(), elapsed,
        (cpuNanos() - cpu0) / 1e9, (serverTicks() - server0) / 100.0);
  }

  private static void call(PredictionServiceGrpc.PredictionServiceFutureStub stub,
      PredictRequest request, AtomicBoolean stop, AtomicInteger calls, AtomicLong errors,
      CountDownLatch done, long[] lat) {
    if (stop.get()) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    Futures.addCallback(stub.withDeadlineAfter(60, TimeUnit.SECONDS).predict(request),
        new FutureCallback<PredictResponse>() {
          @Override
          public void onSuccess(PredictResponse r) {
            end(r.getOutputsCount() == 0);
          }

          @Override
          public void onFailure(Throwable t) {
            end(true);
          }

          private void end(boolean failed) {
            int i = calls.getAndIncrement();
            if (i < lat.length) {
              lat[i] = System.nanoTime() - t0;
            }
            if (failed) {
              errors.incrementAndGet();
            }
            call(stub, request, stop, calls, errors, done, lat);
          }
        }, MoreExecutors.directExecutor());
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The server's CPU time in clock ticks (1/100 s) from /proc, when -Dserver.pid names it. */
  private static long serverTicks() {
    String pid = System.getProperty("server.pid");
    if (pid == null) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    } catch (IOException e) {
      return 0;
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
