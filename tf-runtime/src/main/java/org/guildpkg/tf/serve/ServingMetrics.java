package org.guildpkg.tf.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts and latency histograms of prediction requests by API ({@code rest}, {@code grpc}), model,
 * signature and outcome ({@code ok} or an error kind such as {@code not_found}), written in
 * Prometheus' text format for {@code /monitoring/prometheus/metrics}. Written by hand: two metric
 * families do not need a client library in tf-runtime. Models and signatures a server does not
 * serve are counted under the empty name, so clients cannot grow the label set.
 */
final class ServingMetrics {
  /** Histogram bucket bounds in seconds. */
  static final double[] BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  record Key(String api, String model, String signature, String outcome) {}

  private static final class Series {
    final LongAdder count = new LongAdder();
    final DoubleAdder seconds = new DoubleAdder();
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];

    Series() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }
  }

  private final Map<Key, Series> series = new ConcurrentHashMap<>();

  void record(Key key, long nanos) {
    Series s = series.computeIfAbsent(key, k -> new Series());
    double sec = nanos / 1e9;
    s.count.increment();
    s.seconds.add(sec);
    for (int i = 0; i < BUCKETS.length; i++) {
      if (sec <= BUCKETS[i]) {
        s.buckets[i].increment(); // counted in its own bucket; text() makes them cumulative
        break;
      }
    }
  }

  /** The metrics in Prometheus' text exposition format (version 0.0.4). */
  String text() {
    Map<String, Series> sorted = new TreeMap<>();
    series.forEach((k, v) -> sorted.put(labels(k), v));
    StringBuilder b = new StringBuilder();
    b.append("# HELP guild_serving_requests_total Prediction requests by API, model, signature and"
        + " outcome.\n# TYPE guild_serving_requests_total counter\n");
    sorted.forEach((l, s) -> b.append("guild_serving_requests_total{").append(l).append("} ")
        .append(s.count.sum()).append('\n'));
    b.append("# HELP guild_serving_request_latency_seconds Time to answer a prediction request,"
        + " from its parsed body to its answer.\n"
        + "# TYPE guild_serving_request_latency_seconds histogram\n");
    sorted.forEach((l, s) -> {
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += s.buckets[i].sum();
        b.append("guild_serving_request_latency_seconds_bucket{").append(l).append(",le=\"")
            .append(number(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
      }
      long count = s.count.sum();
      b.append("guild_serving_request_latency_seconds_bucket{").append(l).append(",le=\"+Inf\"} ")
          .append(count).append('\n');
      b.append("guild_serving_request_latency_seconds_sum{").append(l).append("} ")
          .append(number(s.seconds.sum())).append('\n');
      b.append("guild_serving_request_latency_seconds_count{").append(l).append("} ")
          .append(count).append('\n');
    });
    return b.toString();
  }

  private static String labels(Key k) {
    return "api=\"" + escape(k.api()) + "\",model=\"" + escape(k.model()) + "\",signature=\""
        + escape(k.signature()) + "\",outcome=\"" + escape(k.outcome()) + "\"";
  }

  private static String number(double d) {
    return String.format(Locale.ROOT, "%s", d);
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
