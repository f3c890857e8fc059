import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.author.ModelCode;
import org.guildpkg.tf.project.ModelDescriptor;
import org.guildpkg.tf.project.ProjectCompiler;
import org.guildpkg.tf.train.Evaluation;
import org.guildpkg.tf.train.Evaluator;
import org.guildpkg.tf.train.InMemoryExamples;
import org.guildpkg.tf.train.InputSpec;
import org.guildpkg.tf.train.TensorBatch;
import org.guildpkg.tf.train.TrainableModel;
import org.guildpkg.tf.train.Trainer;
import org.guildpkg.tf.train.TrainingSummary;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Training benchmark (run by train-convnet.sh): the fashion-mnist-convnet-src model trained
 * through this library (ProjectCompiler + TrainableModel + Trainer) against a hand-written
 * TensorFlow Java loop of the same graph and batch size, then the library's model trained on the
 * full train split and evaluated on the 10,000 test images.
 *
 * <p>Arguments: EPOCHS (default 12) SPEED_STEPS (default 200).
 */
public final class TrainConvnetBenchmark {
  static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
  static final int BATCH = 100;

  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int speedSteps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path repo = Path.of(System.getProperty("guild.repoRoot", "."));
    Path src = repo.resolve("examples/packages/fashion-mnist-convnet-src");
    InMemoryExamples train = idx("train");
    InMemoryExamples test = idx("t10k");
    ModelDescriptor d = ModelDescriptor.read(src);
    Path classes = Files.createTempDirectory("bench-classes");
    ProjectCompiler.Compiled compiled = ProjectCompiler.compile(src, d, classes); // for the whole run
    ModelCode code = compiled.code();
    Flags flags = Flags.resolve(d.flags(), Map.of());

    int rounds = 3;
    System.out.printf(Locale.ROOT, "speed: %d steps of batch %d, library vs hand-written loop, alternating %d times (best of each)%n",
        speedSteps, BATCH, rounds);
    double lib = 0, hand = 0;
    for (int round = 0; round < rounds; round++) {
      try (TrainableModel m = TrainableModel.build(code, flags, InputSpec.fashionMnist(), 1)) {
        Trainer.on(m, train).batchSize(BATCH).steps(10).seed(99).train(); // warm-up
        TrainingSummary s = Trainer.on(m, train).batchSize(BATCH).steps(speedSteps).seed(round).train();
        lib = Math.max(lib, s.examplesPerSecond());
        System.out.printf(Locale.ROOT, "  library      round %d: %.1f examples/s%n", round + 1, s.examplesPerSecond());
      }
      double h = handWritten(train, speedSteps, round, flags.getFloat("learning_rate"), flags.getFloat("dropout"));
      hand = Math.max(hand, h);
      System.out.printf(Locale.ROOT, "  hand-written round %d: %.1f examples/s%n", round + 1, h);
    }
    System.out.printf(Locale.ROOT, "library %.1f examples/s, hand-written %.1f examples/s, overhead %.2f%% (target < 5%%)%n",
        lib, hand, 100 * (hand / lib - 1));

    if (epochs == 0) {
      return;
    }
    System.out.printf(Locale.ROOT, "accuracy: %d epochs of the train split (%d examples), batch %d%n", epochs, train.size(), BATCH);
    try (TrainableModel m = TrainableModel.build(code, flags, InputSpec.fashionMnist(), 1)) {
      long t0 = System.nanoTime();
      TrainingSummary s = Trainer.on(m, train).batchSize(BATCH).epochs(epochs).seed(1)
          .listener(new org.guildpkg.tf.train.TrainingListener() {
            @Override public void onStep(StepEvent e) {
              if (e.step() % 600 == 0) {
                System.out.printf(Locale.ROOT, "  step %d/%d loss %.4f %.0f examples/s%n", e.step(), e.totalSteps(), e.loss(), e.examplesPerSecond());
              }
            }
          }).train();
      double secs = (System.nanoTime() - t0) / 1e9;
      Evaluation e = Evaluator.evaluate(m, test, 1000, n -> {});
      System.out.printf(Locale.ROOT, "trained %d steps in %.0f s (%.1f examples/s); test accuracy %.4f (target >= 0.91), loss %.4f%n",
          s.steps(), secs, s.examplesPerSecond(), e.accuracy(), e.loss());
    }
  }

  /** The same network, optimizer and batch written directly against TensorFlow Java. */
  static double handWritten(InMemoryExamples data, int steps, long seed, float lr, float rate) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TUint8> image = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, 28, 28)));
      Placeholder<TInt64> label = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> x = tf.reshape(tf.math.div(tf.dtypes.cast(image, TFloat32.class), tf.constant(255f)),
          tf.constant(new long[] {-1, 28, 28, 1}));
      x = pool(tf, conv(tf, x, 1, 32, 1));
      x = pool(tf, conv(tf, x, 32, 64, 3));
      x = tf.reshape(x, tf.constant(new long[] {-1, 7 * 7 * 64}));
      x = tf.nn.relu(tf.math.add(tf.linalg.matMul(x, var(tf, Shape.of(3136, 1024), 5)), var(tf, Shape.of(1024), -1)));
      Operand<TFloat32> u = tf.random.randomUniform(tf.shape(x), TFloat32.class, RandomUniform.seed(1L));
      x = tf.math.mul(x, tf.math.mul(tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant(rate)), TFloat32.class),
          tf.constant(1f / (1f - rate))));
      Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(x, var(tf, Shape.of(1024, 10), 7)), var(tf, Shape.of(10), -1));
      Operand<TFloat32> oneHot = tf.oneHot(label, tf.constant(10), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      Op minimize = new Adam(g, lr).minimize(loss);
      try (Session s = new Session(g)) {
        s.initialize();
        run(s, data, 10, 99, image, label, minimize, loss); // warm-up
        long t0 = System.nanoTime();
        int n = run(s, data, steps, seed, image, label, minimize, loss);
        return n / ((System.nanoTime() - t0) / 1e9);
      }
    }
  }

  static int run(Session s, InMemoryExamples data, int steps, long seed, Operand<TUint8> image,
      Operand<TInt64> label, Op minimize, Operand<TFloat32> loss) {
    int examples = 0;
    Iterator<TensorBatch> it = data.batches(BATCH, OptionalLong.of(seed));
    for (int i = 0; i < steps; i++) {
      try (TensorBatch b = it.next();
          Result r = s.runner().feed(image, b.tensors().get("image")).feed(label, b.tensors().get("label"))
              .addTarget(minimize).fetch(loss).run()) {
        examples += b.size();
      }
    }
    return examples;
  }

  static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, int in, int out, long seed) {
    Variable<TFloat32> w = var(tf, Shape.of(5, 5, in, out), seed);
    return tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, w, List.of(1L, 1L, 1L, 1L), "SAME"), var(tf, Shape.of(out), -1)));
  }

  static Operand<TFloat32> pool(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> k = tf.constant(new int[] {1, 2, 2, 1});
    return tf.nn.maxPool(x, k, k, "VALID");
  }

  static Variable<TFloat32> var(Ops tf, Shape shape, long seed) {
    if (seed < 0) {
      return tf.variable(tf.zeros(tf.constant(shape), TFloat32.class));
    }
    // Glorot uniform in [-l, l] (framework 1.1.0's Glorot draws [0, l) only).
    int n = shape.numDimensions();
    long receptive = n == 4 ? shape.size(0) * shape.size(1) : 1;
    float limit = (float) Math.sqrt(6.0 / (shape.size(n - 2) * receptive + shape.size(n - 1) * receptive));
    Operand<TFloat32> u = tf.random.randomUniform(tf.constant(shape), TFloat32.class, RandomUniform.seed(seed));
    return tf.variable(tf.math.mul(tf.math.sub(tf.math.mul(u, tf.constant(2f)), tf.constant(1f)), tf.constant(limit)));
  }

  static InMemoryExamples idx(String split) throws Exception {
    byte[] images = body(DATA.resolve(split + "-images-idx3-ubyte.gz"), 16);
    byte[] raw = body(DATA.resolve(split + "-labels-idx1-ubyte.gz"), 8);
    long[] labels = new long[raw.length];
    for (int i = 0; i < raw.length; i++) {
      labels[i] = raw[i] & 0xff;
    }
    return new InMemoryExamples(InputSpec.fashionMnist(), Map.of("image", images), labels);
  }

  static byte[] body(Path gz, int header) throws Exception {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
      in.skipNBytes(header);
      return in.readAllBytes();
    }
  }
}
