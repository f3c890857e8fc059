package org.guildpkg.tf.train;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.TFRecordReader;
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

  /** Writes what was appended so far to the file. */
  public void flush() {
    writer.flush();
    unflushed = 0;
  }

  /**
   * The scalars tagged {@code tag} in the event files of {@code dir}, by step; where files repeat a
   * step (a run resumed from a checkpoint), the newest file's value counts.
   */
  public static java.util.SortedMap<Long, Float> scalars(Path dir, String tag) {
    java.util.SortedMap<Long, Float> out = new java.util.TreeMap<>();
    try (var s = java.nio.file.Files.list(dir)) {
      // Named events.out.tfevents.SECONDS.HOST.PID: by time, then (same second) by name.
      List<Path> files = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
          .sorted(java.util.Comparator.comparingLong(TensorBoardEvents::seconds).thenComparing(Path::toString))
          .toList();
      for (Path f : files) {
        for (byte[] r : TFRecordReader.readAll(f)) {
          Event e = Event.parseFrom(r);
          if (e.hasSummary()) {
            for (Summary.Value v : e.getSummary().getValueList()) {
              if (v.getTag().equals(tag)) {
                out.put(e.getStep(), v.getSimpleValue());
              }
            }
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new GuildException(dir + ": cannot read the event files: " + GuildException.reason(e), e);
    }
    return out;
  }

  private static long seconds(Path p) {
    String[] parts = p.getFileName().toString().split("\\.");
    try {
      return Long.parseLong(parts[3]);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    writer.close();
  }
}
