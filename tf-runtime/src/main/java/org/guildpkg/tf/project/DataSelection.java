package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;
import org.guildpkg.tf.train.DatasetExamples;
import org.guildpkg.tf.train.InMemoryExamples;

/**
 * Which examples a run trains on and which it holds out for validation: a split, or a slice of one
 * as in TensorFlow Datasets ({@code train[:90%]}, {@code train[90%:]}, {@code train[1000:2000]}),
 * and either a validation split (such a slice, or another split like {@code test}) or a fraction of
 * the training examples held out at random, the same ones for the same seed. Recorded in the run's
 * {@code run.json} so that a resumed run trains on the same examples.
 *
 * <pre>{@code
 * DataSelection.Chosen c = DataSelection.parse("train", "0.1", seed).choose(dataset);
 * }</pre>
 *
 * @param train the training split, maybe sliced
 * @param validation the validation split or fraction, if any
 * @param seed picks a held-out fraction
 */
public record DataSelection(String train, Optional<String> validation, long seed) {
  private static final Pattern SLICE = Pattern.compile("([A-Za-z0-9_.-]+)(?:\\[([^\\]:]*):([^\\]:]*)])?");
  private static final Pattern BOUND = Pattern.compile("-?\\d{1,18}%?");
  private static final String EXAMPLES = "e.g. train, train[:90%], train[90%:], train[1000:2000]";

  /** Checks both specs (see {@link #parse}). */
  public DataSelection {
    slice(train, "--split");
    validation.ifPresent(v -> {
      if (fraction(v).isEmpty()) {
        slice(v, "--validation");
      }
    });
  }

  /**
   * The selection of {@code --split} and {@code --validation}.
   *
   * @param validation a fraction in (0, 1) or a split spec, or null for none
   * @throws GuildException naming the bad spec and what a good one looks like
   */
  public static DataSelection parse(String train, String validation, long seed) {
    return new DataSelection(train, Optional.ofNullable(validation), seed);
  }

  /** The training examples and the validation examples, if any. */
  public record Chosen(InMemoryExamples train, Optional<InMemoryExamples> validation) {}

  /**
   * Reads the chosen examples of {@code dataset}.
   *
   * @throws GuildException when a split is missing, a slice is empty, or the validation examples
   *     overlap the training ones
   */
  public Chosen choose(Datasets.Resolved dataset) {
    Map<String, InMemoryExamples> splits = new HashMap<>();
    Slice t = slice(train, "--split");
    InMemoryExamples whole = splits.computeIfAbsent(t.split(), n -> load(dataset, n));
    int[] trainIdx = t.indices(whole.size());
    if (validation.isEmpty()) {
      return new Chosen(nonEmpty(select(whole, trainIdx), train), Optional.empty());
    }
    String v = validation.get();
    Optional<Double> f = fraction(v);
    if (f.isPresent()) {
      // A random fraction of the training examples, the same for the same seed; each part keeps
      // file order, so that the trainer's shuffles stay a function of (seed, step).
      int[] shuffled = trainIdx.clone();
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x7A11);
      for (int i = shuffled.length - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int x = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = x;
      }
      int held = (int) Math.round(shuffled.length * f.get());
      if (held == 0 || held == shuffled.length) {
        throw new GuildException("--validation " + v + " holds out " + held + " of the " + shuffled.length
            + " training examples; choose a fraction that leaves examples on both sides");
      }
      int[] val = Arrays.copyOfRange(shuffled, 0, held);
      int[] rest = Arrays.copyOfRange(shuffled, held, shuffled.length);
      Arrays.sort(val);
      Arrays.sort(rest);
      return new Chosen(whole.select(rest), Optional.of(whole.select(val)));
    }
    Slice s = slice(v, "--validation");
    InMemoryExamples vs = splits.computeIfAbsent(s.split(), n -> load(dataset, n));
    int[] valIdx = s.indices(vs.size());
    if (s.split().equals(t.split()) && valIdx.length > 0 && trainIdx.length > 0
        && valIdx[0] <= trainIdx[trainIdx.length - 1] && trainIdx[0] <= valIdx[valIdx.length - 1]) {
      throw new GuildException("--validation " + v + " overlaps the training examples " + train
          + "; hold out a separate part, e.g. --split " + t.split() + "[:90%] --validation " + t.split() + "[90%:]");
    }
    return new Chosen(nonEmpty(select(whole, trainIdx), train), Optional.of(nonEmpty(select(vs, valIdx), v)));
  }

  /** The {@code {"split": ..., "validation": ..., "validation_seed": ...}} form in run.json. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("split", train);
    validation.ifPresent(v -> o.put("validation", v));
    o.put("validation_seed", seed);
    return o;
  }

  /** Reads {@link #toJson()}'s form; a run from before splits were recorded trained on "train". */
  public static DataSelection fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      return new DataSelection("train", Optional.empty(), 1);
    }
    return new DataSelection(n.path("split").asText("train"),
        n.path("validation").isTextual() ? Optional.of(n.get("validation").asText()) : Optional.empty(),
        n.path("validation_seed").asLong(1));
  }

  private static InMemoryExamples load(Datasets.Resolved dataset, String split) {
    return DatasetExamples.load(dataset.dataset().split(split));
  }

  private static InMemoryExamples select(InMemoryExamples all, int[] idx) {
    return idx.length == all.size() ? all : all.select(idx);
  }

  private static InMemoryExamples nonEmpty(InMemoryExamples e, String spec) {
    if (e.size() == 0) {
      throw new GuildException("split '" + spec + "' selects no examples");
    }
    return e;
  }

  private static Optional<Double> fraction(String v) {
    if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
      return Optional.empty();
    }
    double f = Double.parseDouble(v);
    if (!(f > 0 && f < 1)) {
      throw new GuildException("--validation " + v + ": a fraction must be between 0 and 1, e.g. 0.1;"
          + " or name a split, e.g. test or train[90%:]");
    }
    return Optional.of(f);
  }

  /** A split and the part of it a TensorFlow Datasets slice names: [from, to) by count or percent. */
  record Slice(String split, String from, String to) {
    int[] indices(long n) {
      int a = from.isEmpty() ? 0 : at(from, n);
      int b = to.isEmpty() ? (int) n : at(to, n);
      int len = Math.max(0, b - a);
      int[] out = new int[len];
      for (int i = 0; i < len; i++) {
        out[i] = a + i;
      }
      return out;
    }

    private static int at(String bound, long n) {
      boolean percent = bound.endsWith("%");
      long v = Long.parseLong(percent ? bound.substring(0, bound.length() - 1) : bound);
      long i = percent ? Math.round(n * v / 100.0) : v;
      if (i < 0) {
        i += n; // from the end, as in Python
      }
      return (int) Math.max(0, Math.min(n, i));
    }
  }

  private static Slice slice(String spec, String option) {
    Matcher m = SLICE.matcher(spec.strip());
    if (!m.matches()) {
      throw new GuildException(option + " " + spec + ": not a split or a slice of one (" + EXAMPLES + ")");
    }
    String from = m.group(2) == null ? "" : m.group(2).strip();
    String to = m.group(3) == null ? "" : m.group(3).strip();
    for (String b : new String[] {from, to}) {
      if (!b.isEmpty() && !BOUND.matcher(b).matches()) {
        throw new GuildException(option + " " + spec + ": '" + b + "' is not a whole number or percentage ("
            + EXAMPLES + ")");
      }
      if (b.endsWith("%") && Math.abs(Long.parseLong(b.substring(0, b.length() - 1))) > 100) {
        throw new GuildException(option + " " + spec + ": '" + b + "' is more than 100%");
      }
    }
    return new Slice(m.group(1), from, to);
  }
}
