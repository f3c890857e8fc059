package org.guildpkg.tf.serve;

import java.util.Set;
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
  /** The model's signatures that change its state and that the operator did not allow. */
  final Set<String> withheld;
  private final boolean owned;
  private final AtomicInteger refs = new AtomicInteger(1);

  Servable(ServedModel info, SavedModel model, boolean owned, Batcher batcher, Set<String> withheld) {
    this.info = info;
    this.withheld = Set.copyOf(withheld);
    this.model = model;
    this.owned = owned;
    this.batcher = batcher;
  }

  /** Whether requests may call the signature {@code key} (it exists and is not withheld). */
  boolean serves(String key) {
    return model.signature(key).isPresent() && !withheld.contains(key);
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
