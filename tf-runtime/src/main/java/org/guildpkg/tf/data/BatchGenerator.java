package org.guildpkg.tf.data;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.guildpkg.GuildException;
import org.tensorflow.proto.Example;

/** Makes the batches of a {@link Batches} one at a time, in whichever thread calls it. */
final class BatchGenerator implements AutoCloseable {
  private final Batches spec;
  private final List<Path> files;
  private final SplittableRandom random;
  private final BatchAssembler assembler;
  private final byte[][] buffer;
  private int buffered;
  private long epoch;
  private long recordsThisEpoch;
  private SplitRecords records;
  private boolean exhausted;

  BatchGenerator(Batches spec) {
    this.spec = spec;
    this.files = spec.split().files();
    this.random = new SplittableRandom(spec.seed());
    this.assembler = new BatchAssembler(spec.specs(), spec.batchSize());
    this.buffer = spec.shuffleBuffer() > 0 ? new byte[spec.shuffleBuffer()][] : null;
  }

  /** The next batch, or empty at the end. */
  Optional<Batch> next() {
    while (!assembler.full()) {
      if (buffer == null) {
        if (!nextRaw()) {
          break;
        }
        assembler.add(parse(records.record()), records.where());
      } else {
        while (buffered < buffer.length && nextRaw()) {
          ByteBuffer r = records.record();
          byte[] copy = new byte[r.remaining()];
          r.get(copy);
          buffer[buffered++] = copy;
        }
        if (buffered == 0) {
          break;
        }
        int i = random.nextInt(buffered);
        byte[] rec = buffer[i];
        buffer[i] = buffer[--buffered];
        buffer[buffered] = null;
        assembler.add(parse(ByteBuffer.wrap(rec)), "split '" + spec.split().name() + "'");
      }
    }
    if (assembler.count() == 0 || (!assembler.full() && spec.dropsRemainder())) {
      return Optional.empty();
    }
    return Optional.of(assembler.build());
  }

  private Example parse(ByteBuffer record) {
    try {
      return Examples.parse(record);
    } catch (GuildException e) {
      throw new GuildException(
          (buffer == null ? records.where() : "split '" + spec.split().name() + "'") + ": " + e.getMessage(), e);
    }
  }

  /** Moves to the next record of the (repeated) split; false at the end. */
  private boolean nextRaw() {
    while (!exhausted) {
      if (records == null) {
        records = new SplitRecords(epochFiles(), spec.split().compression());
        recordsThisEpoch = 0;
      }
      if (records.next()) {
        recordsThisEpoch++;
        return true;
      }
      records.close();
      records = null;
      epoch++;
      // An empty split repeated forever would spin: stop after an epoch without records.
      if (recordsThisEpoch == 0 || (spec.epochs() > 0 && epoch >= spec.epochs())) {
        exhausted = true;
      }
    }
    return false;
  }

  private List<Path> epochFiles() {
    if (buffer == null || files.size() < 2) {
      return files;
    }
    List<Path> order = new ArrayList<>(files);
    for (int i = order.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Path t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    return order;
  }

  @Override
  public void close() {
    if (records != null) {
      records.close();
      records = null;
    }
  }
}
