package org.guildpkg.tf.serve;

import java.util.concurrent.atomic.AtomicInteger;
import org.guildpkg.tf.model.SavedModel;

/**
 * A served model version and its loaded SavedModel, counted while requests use it so that removing
 * it while requests run closes the SavedModel only after the last one ends.
 */
final class Servable {
  final ServedModel info;
  final SavedModel model;
  final Batcher batcher;
  private final boolean owned;
  private final AtomicInteger refs = new AtomicInteger(1);

  Servable(ServedModel info, SavedModel model, boolean owned, Batcher batcher) {
    this.info = info;
    this.model = model;
    this.owned = owned;
    this.batcher = batcher;
  }

  /** Takes a reference for one request; false when the servable is already released. */
  boolean acquire() {
    while (true) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; the last one closes the SavedModel when the server opened it. */
  void release() {
    if (refs.decrementAndGet() == 0 && owned) {
      model.close();
    }
  }
}
