
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.tf.data.Batch;
import org.guildpkg.tf.data.BatchIterator;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.data.TFRecordReader;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Reading and batching speed of the Fashion-MNIST train split: Guild's TFRecordReader (CRCs
 * checked) against TensorFlow's own V1 {@code TFRecordDataset} op through TensorFlow Java, and
 * Guild's batching into tensors of 128. Run by {@code examples/bench/tfrecord-read.sh}.
 *
 * <p>Arguments: the dataset folder (the train shards and dataset.json) and the number of timed
 * rounds. Each figure is the best of the rounds, after one warm-up round.
 */
public final class TfRecordReadBenchmark {
  private TfRecordReadBenchmark() {}

  /** Runs the benchmark and prints one line per measurement and the ratios. */
  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Split train = Dataset.open(folder).split("train");
    List<Path> files = train.files();
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    System.out.printf("files: %d shards, %d records, %.1f MB (%s)%n",
        files.size(), train.size(), bytes / 1e6, folder);

    double guild = best(rounds, () -> readGuild(files, true), train.size());
    double guildNoCrc = best(rounds, () -> readGuild(files, false), train.size());
    double tf = best(rounds, () -> readTensorFlow(files), train.size());
    double batching = best(rounds, () -> batch(train), train.size());

    double mbPerRecord = bytes / 1e6 / train.size();
    System.out.printf("guild TFRecordReader, CRCs checked:   %,12.0f records/s %8.0f MB/s%n", guild, guild * mbPerRecord);
    System.out.printf("guild TFRecordReader, no CRC checks:  %,12.0f records/s %8.0f MB/s%n", guildNoCrc, guildNoCrc * mbPerRecord);
    System.out.printf("TensorFlow TFRecordDataset (V1) op:   %,12.0f records/s %8.0f MB/s%n", tf, tf * mbPerRecord);
    System.out.printf("ratio guild (CRCs) / TensorFlow:      %12.2f%n", guild / tf);
    System.out.printf("guild batches of 128 into tensors:    %,12.0f examples/s (Example decode, TUint8 + TInt64, prefetch thread)%n", batching);
  }

  interface Run {
    long run() throws Exception;
  }

  /** The best rate in items per second over the rounds, after a warm-up; checks the count. */
  static double best(int rounds, Run run, long expected) throws Exception {
    double best = 0;
    for (int i = 0; i <= rounds; i++) {
      long t0 = System.nanoTime();
      long n = run.run();
      long t1 = System.nanoTime();
      if (n != expected) {
        throw new IllegalStateException("read " + n + " items, expected " + expected);
      }
      if (i > 0) {
        best = Math.max(best, n / ((t1 - t0) / 1e9));
      }
    }
    return best;
  }

  static long readGuild(List<Path> files, boolean verify) {
    long n = 0;
    long sum = 0;
    for (Path f : files) {
      try (TFRecordReader r = TFRecordReader.open(f, org.guildpkg.tf.data.TFRecordCompression.NONE, verify)) {
        while (r.next()) {
          sum += r.recordLength();
        }
        n += r.records();
      }
    }
    if (sum == 0) {
      throw new IllegalStateException("no bytes");
    }
    return n;
  }

  /** Reads every record with TensorFlow's V1 TFRecordDataset, batched by 1024 to amortise session calls. */
  static long readTensorFlow(List<Path> files) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      String[] names = files.stream().map(Path::toString).toArray(String[]::new);
      GraphOperation ds = g.opBuilder("TFRecordDataset", "records", tf.scope())
          .addInput(tf.constant(StandardCharsets.UTF_8, names).asOutput())
          .addInput(tf.constant("").asOutput())
          .addInput(tf.constant(1L << 20).asOutput())
          .build();
      @SuppressWarnings("unchecked")
      Operand<TType> handle = (Operand<TType>) (Operand<?>) ds.output(0);
      List<Class<? extends TType>> types = List.of(TString.class);
      var batched = tf.data.batchDataset(handle, tf.constant(1024L), tf.constant(false), types,
          List.of(Shape.of(-1)));
      Iterator it = tf.data.iterator("bench_it", "", types, List.of(Shape.of(-1)));
      s.runner().addTarget(tf.data.makeIterator(batched, it)).run();
      IteratorGetNext next = tf.data.iteratorGetNext(it, types, List.of(Shape.of(-1)));
      long n = 0;
      while (true) {
        try (Result r = s.runner().fetch(next.components().get(0)).run()) {
          n += r.get(0).shape().get(0);
        } catch (TFOutOfRangeException end) {
          return n;
        }
      }
    }
  }

  static long batch(Split train) {
    long n = 0;
    try (BatchIterator it = train.batches(128).iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          n += b.size();
        }
      }
    }
    return n;
  }

}
