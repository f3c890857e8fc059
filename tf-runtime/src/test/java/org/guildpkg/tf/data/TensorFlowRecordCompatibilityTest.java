package org.guildpkg.tf.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/** Both directions against TensorFlow's own C++ record reader and writer, run through TensorFlow Java. */
class TensorFlowRecordCompatibilityTest {
  @TempDir Path dir;

  /** Reads every record of files with TensorFlow's V1 {@code TFRecordDataset} op. */
  static List<byte[]> readWithTensorFlow(List<Path> files, TFRecordCompression c) {
    List<byte[]> out = new ArrayList<>();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      String[] names = files.stream().map(Path::toString).toArray(String[]::new);
      GraphOperation ds =
          g.opBuilder("TFRecordDataset", "records", tf.scope())
              .addInput(tf.constant(java.nio.charset.StandardCharsets.UTF_8, names).asOutput())
              .addInput(tf.constant(c.tensorFlowName()).asOutput())
              .addInput(tf.constant(256 * 1024L).asOutput())
              .build();
      List<Class<? extends TType>> types = List.of(TString.class);
      List<Shape> shapes = List.of(Shape.scalar());
      Iterator it = tf.data.iterator("records_it", "", types, shapes);
      @SuppressWarnings("unchecked")
      Operand<TType> handle = (Operand<TType>) (Operand<?>) ds.output(0);
      s.runner().addTarget(tf.data.makeIterator(handle, it)).run();
      IteratorGetNext next = tf.data.iteratorGetNext(it, types, shapes);
      while (true) {
        try (Result r = s.runner().fetch(next.components().get(0)).run()) {
          out.add(((TString) r.get(0)).asBytes().getObject());
        } catch (TFOutOfRangeException end) {
          return out;
        }
      }
    }
  }

  /** Writes records with TensorFlow's {@code DatasetToTFRecord} op fed by a TensorSliceDataset. */
  static void writeWithTensorFlow(Path file, List<byte[]> records, TFRecordCompression c) {
    try (Graph g = new Graph();
        Session s = new Session(g);
        TString values = TString.tensorOfBytes(NdArrays.vectorOfObjects(records.toArray(new byte[0][])))) {
      Ops tf = Ops.create(g);
      var ds = tf.data.tensorSliceDataset(List.of(tf.constantOf(values)), List.of(Shape.scalar()));
      s.runner()
          .addTarget(
              tf.data.datasetToTfRecord(
                  ds, tf.constant(file.toString()), tf.constant(c.tensorFlowName())))
          .run();
    }
  }

  @ParameterizedTest
  @EnumSource(TFRecordCompression.class)
  void tensorFlowsTfRecordDatasetReadsWhatOurWriterWrote(TFRecordCompression c) {
    List<byte[]> records = TFRecordReaderWriterTest.randomRecords(300, 5000, 11);
    Path a = dir.resolve("a.tfrecord");
    Path b = dir.resolve("b.tfrecord");
    TFRecordReaderWriterTest.write(a, c, records.subList(0, 100));
    TFRecordReaderWriterTest.write(b, c, records.subList(100, 300));
    assertThat(readWithTensorFlow(List.of(a, b), c)).containsExactlyElementsOf(records);
  }

  @ParameterizedTest
  @EnumSource(TFRecordCompression.class)
  void ourReaderReadsWhatTensorFlowsDatasetToTfRecordWrote(TFRecordCompression c) {
    List<byte[]> records = TFRecordReaderWriterTest.randomRecords(300, 5000, 12);
    records.set(1, new byte[2 << 20]);
    Path file = dir.resolve("tf.tfrecord");
    writeWithTensorFlow(file, records, c);
    assertThat(TFRecordReader.detect(file)).isEqualTo(c);
    assertThat(TFRecordReader.readAll(file)).containsExactlyElementsOf(records);
  }
}
