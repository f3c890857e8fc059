package org.guildpkg.tf.train;

import java.net.InetAddress;
import java.nio.file.Path;
import org.guildpkg.tf.data.TFRecordWriter;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Writes a run's TensorBoard event file ({@code events.out.tfevents.TIME.HOST}): the scalars
 * {@code loss} and {@code accuracy} of each training step, as {@code tf.Event} protos in
 * TFRecord framing, so {@code tensorboard --logdir runs} plots them.
 */
public final class TensorBoardEvents implements TrainingListener, AutoCloseable {
  private static final int FLUSH_EVERY = 50;

  private final TFRecordWriter writer;
  private final Path file;
  private int unflushed;

  private TensorBoardEvents(TFRecordWriter writer, Path file) {
    this.writer = writer;
    this.file = file;
  }

  /** Starts a new event file in {@code dir}, beginning with the file-version event. */
  public static TensorBoardEvents create(Path dir) {
    long now = System.currentTimeMillis();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    Path file = dir.resolve("events.out.tfevents." + now / 1000 + "." + host + "." + ProcessHandle.current().pid());
    TFRecordWriter w = TFRecordWriter.create(file);
    TensorBoardEvents e = new TensorBoardEvents(w, file);
    w.write(Event.newBuilder().setWallTime(now / 1000.0).setFileVersion("brain.Event:2").build().toByteArray());
    w.flush();
    return e;
  }

  /** The event file. */
  public Path file() {
    return file;
  }

  /** Appends one scalar at {@code step}. */
  public void scalar(long step, String tag, float value) {
    Summary s = Summary.newBuilder()
        .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue(value))
        .build();
    writer.write(Event.newBuilder()
        .setWallTime(System.currentTimeMillis() / 1000.0)
        .setStep(step)
        .setSummary(s)
        .build()
        .toByteArray());
    if (++unflushed >= FLUSH_EVERY) {
      writer.flush();
      unflushed = 0;
    }
  }

  @Override
  public void onStep(StepEvent e) {
    scalar(e.step(), "loss", e.loss());
    e.accuracy().ifPresent(a -> scalar(e.step(), "accuracy", a));
  }

  @Override
  public void close() {
    writer.close();
  }
}
