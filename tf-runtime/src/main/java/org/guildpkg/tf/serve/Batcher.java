package org.guildpkg.tf.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.guildpkg.tf.model.ModelSignature;

/**
 * Server-side batching of one model version's row-form predict calls: concurrent requests for the
 * same signature, whose inputs have the same dtypes and row shapes, are concatenated along
 * dimension 0, run as one TensorFlow call, and the outputs split back by rows.
 *
 * <p>There is no batching thread: the first request that finds the signature idle leads. It waits
 * up to the timeout for the batch to fill (not at all by default), takes up to
 * {@code maxBatchSize} rows of queued requests, runs them, and hands the lead to the next queued
 * request. So a lone request runs at once, and requests that arrive while the model is busy share
 * the next call. When the outputs cannot be split by rows (an output without the batch dimension)
 * or the batched call fails, each request of the batch runs alone, so each gets its own answer or
 * error.
 */
final class Batcher {
  /** Runs one signature on inputs, giving its outputs on the heap. */
  interface Runner {
    Map<String, HostTensor> run(ModelSignature sig, Map<String, HostTensor> inputs);
  }

  private static final Object LEAD = new Object();

  private final int maxRows;
  private final long timeoutNanos;
  private final Map<String, Queue> queues = new ConcurrentHashMap<>();

  Batcher(int maxRows, long timeoutNanos) {
    this.maxRows = maxRows;
    this.timeoutNanos = timeoutNanos;
  }

  private static final class Queue {
    final ArrayDeque<Job> jobs = new ArrayDeque<>();
    boolean running;
  }

  private static final class Job {
    final Map<String, HostTensor> inputs;
    final long rows;
    final String shapeKey;
    final CompletableFuture<Object> wake = new CompletableFuture<>();
    volatile Object outcome; // Map of outputs or RuntimeException

    Job(Map<String, HostTensor> inputs) {
      this.inputs = inputs;
      this.rows = inputs.values().iterator().next().rows();
      StringBuilder k = new StringBuilder();
      inputs.forEach((n, t) -> k.append(n).append(':').append(t.dtype().getNumber())
          .append(JsonTensors.shapeText(t.rowShape())).append(';'));
      this.shapeKey = k.toString();
    }
  }

  /** Runs a row-form call, batched with concurrent ones; inputs all have the same rows. */
  Map<String, HostTensor> run(Runner runner, ModelSignature sig, Map<String, HostTensor> inputs) {
    if (inputs.isEmpty()) {
      return runner.run(sig, inputs);
    }
    Job job = new Job(inputs);
    Queue q = queues.computeIfAbsent(sig.key(), k -> new Queue());
    boolean lead;
    synchronized (q) {
      q.jobs.add(job);
      lead = !q.running;
      if (lead) {
        q.running = true;
      } else {
        q.notifyAll(); // a leader waiting for the batch to fill counts again
      }
    }
    if (!lead && job.wake.join() != LEAD) {
      return outcome(job);
    }
    List<Job> batch = List.of(job);
    try {
      synchronized (q) {
        waitToFill(q);
        batch = take(q, job);
      }
      runBatch(runner, sig, batch);
    } catch (RuntimeException | Error e) {
      for (Job j : batch) {
        if (j.outcome == null) {
          j.outcome = e instanceof RuntimeException re ? re : new IllegalStateException(e);
          j.wake.complete(j.outcome);
        }
      }
    } finally {
      synchronized (q) {
        Job next = q.jobs.peek();
        if (next == null) {
          q.running = false;
        } else {
          next.wake.complete(LEAD);
        }
      }
    }
    return outcome(job);
  }

  /** How many requests wait for a signature's next call (for tests and monitoring). */
  int queued(String signature) {
    Queue q = queues.get(signature);
    if (q == null) {
      return 0;
    }
    synchronized (q) {
      return q.jobs.size();
    }
  }

  private void waitToFill(Queue q) {
    if (timeoutNanos <= 0) {
      return;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    long left;
    while (queuedRows(q) < maxRows && (left = deadline - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.timedWait(q, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static long queuedRows(Queue q) {
    long n = 0;
    for (Job j : q.jobs) {
      n += j.rows;
    }
    return n;
  }

  /** The head (the leader's own job) and the queued jobs of its shapes that fit beside it. */
  private List<Job> take(Queue q, Job head) {
    List<Job> batch = new ArrayList<>();
    long rows = 0;
    for (Iterator<Job> it = q.jobs.iterator(); it.hasNext(); ) {
      Job j = it.next();
      if (j == head || (j.shapeKey.equals(head.shapeKey) && rows + j.rows <= maxRows)) {
        batch.add(j);
        rows += j.rows;
        it.remove();
      }
      if (rows >= maxRows) {
        break;
      }
    }
    return batch;
  }

  private static void runBatch(Runner runner, ModelSignature sig, List<Job> batch) {
    if (batch.size() > 1) {
      Map<String, HostTensor> joined = new LinkedHashMap<>();
      for (String name : batch.get(0).inputs.keySet()) {
        List<HostTensor> parts = new ArrayList<>();
        batch.forEach(j -> parts.add(j.inputs.get(name)));
        joined.put(name, HostTensor.concat(parts));
      }
      long total = joined.values().iterator().next().rows();
      Map<String, HostTensor> out = null;
      try {
        out = runner.run(sig, joined);
      } catch (RuntimeException e) {
        // One request's values may have failed the call: run each alone for its own answer.
      }
      if (out != null && out.values().stream().allMatch(t -> t.shape().length > 0 && t.rows() == total)) {
        long at = 0;
        for (Job j : batch) {
          Map<String, HostTensor> mine = new LinkedHashMap<>();
          for (Map.Entry<String, HostTensor> e : out.entrySet()) {
            mine.put(e.getKey(), e.getValue().rows(at, at + j.rows));
          }
          at += j.rows;
          j.outcome = mine;
          j.wake.complete(mine);
        }
        return;
      }
    }
    for (Job j : batch) {
      Object o;
      try {
        o = runner.run(sig, j.inputs);
      } catch (RuntimeException e) {
        o = e;
      }
      j.outcome = o;
      j.wake.complete(o);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, HostTensor> outcome(Job job) {
    Object o = job.outcome;
    if (o instanceof RuntimeException e) {
      throw e;
    }
    return (Map<String, HostTensor>) o;
  }
}
