package org.guildpkg.tf.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.guildpkg.GuildException;
import org.tensorflow.proto.Example;

/**
 * The Examples of a split in file order, checking every record's CRCs. Owns open files: close it
 * (try-with-resources); it also closes itself at the end.
 */
public final class ExampleIterator implements Iterator<Example>, AutoCloseable {
  private final SplitRecords records;
  private Example next;
  private boolean done;

  ExampleIterator(SplitRecords records) {
    this.records = records;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      if (records.next()) {
        try {
          next = Examples.parse(records.record());
        } catch (GuildException e) {
          throw new GuildException(records.where() + ": " + e.getMessage(), e);
        }
      } else {
        done = true;
        records.close();
      }
    }
    return next != null;
  }

  @Override
  public Example next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more Examples");
    }
    Example e = next;
    next = null;
    return e;
  }

  @Override
  public void close() {
    done = true;
    records.close();
  }
}
