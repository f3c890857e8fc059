package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.guildpkg.io.PathLock;
import org.guildpkg.tf.train.Trainer;
import org.guildpkg.tf.train.TrainingListener;
import org.guildpkg.tf.author.Flags;

/**
 * A training run's folder, {@code runs/ID/} in a project (ID = 1, 2, ...): {@code run.json}
 * (what was trained on what, and how far), {@code flags.json}, TensorBoard event files,
 * {@code checkpoints/step-N/}, the exported trainable SavedModel in {@code model/}, and
 * {@code metrics.json}. Every JSON file is replaced atomically.
 */
public final class RunFolder {
  private static final String LOCK = ".lock";
  public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String id;
  private final Path path;

  private RunFolder(String id, Path path) {
    this.id = id;
    this.path = path;
  }

  /** Makes a new run folder with the next free ID under {@code runsDir}. */
  public static RunFolder create(Path runsDir) {
    try {
      Files.createDirectories(runsDir);
      for (int attempt = 0; attempt < 100; attempt++) {
        long next = ids(runsDir).stream().mapToLong(Long::parseLong).max().orElse(0) + 1;
        Path p = runsDir.resolve(Long.toString(next));
        try {
          Files.createDirectory(p);
          return new RunFolder(Long.toString(next), p);
        } catch (FileAlreadyExistsException raced) {
          // another JVM took this ID: try the next
        }
      }
      throw new GuildException(runsDir + ": cannot allocate a run ID");
    } catch (IOException e) {
      throw new GuildException(runsDir + ": cannot create a run folder: " + e.getMessage(), e);
    }
  }

  /**
   * Opens run {@code id} under {@code runsDir}.
   *
   * @throws GuildException listing the runs there are when it does not exist
   */
  public static RunFolder open(Path runsDir, String id) {
    Path p = runsDir.resolve(id);
    if (!id.matches("\\d+") || !Files.isRegularFile(p.resolve("run.json"))) {
      List<String> ids = ids(runsDir);
      throw new GuildException(
          "no run '" + id + "' in " + runsDir + "; runs: " + (ids.isEmpty() ? "none" : String.join(", ", ids)));
    }
    return new RunFolder(id, p);
  }

  /** The run with the highest ID under {@code runsDir}, if any. */
  public static Optional<RunFolder> latest(Path runsDir) {
    List<String> ids = ids(runsDir);
    for (int i = ids.size() - 1; i >= 0; i--) {
      if (Files.isRegularFile(runsDir.resolve(ids.get(i)).resolve("run.json"))) {
        return Optional.of(new RunFolder(ids.get(i), runsDir.resolve(ids.get(i))));
      }
    }
    return Optional.empty();
  }

  /** The IDs of the runs under {@code runsDir}, in numeric order. */
  public static List<String> ids(Path runsDir) {
    if (!Files.isDirectory(runsDir)) {
      return List.of();
    }
    try (var s = Files.list(runsDir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d{1,18}"))
          .sorted(Comparator.comparingLong(Long::parseLong))
          .toList();
    } catch (IOException e) {
      throw new GuildException(runsDir + ": cannot list runs: " + e.getMessage(), e);
    }
  }

  /** The run's ID. */
  public String id() {
    return id;
  }

  /** The run's folder. */
  public Path path() {
    return path;
  }

  /** Where periodic checkpoints go. */
  public Path checkpoints() {
    return path.resolve("checkpoints");
  }

  /** The exported trainable SavedModel of the finished run. */
  public Path model() {
    return path.resolve("model");
  }

  /** True once the run has exported its final model. */
  public boolean completed() {
    return Files.isRegularFile(model().resolve("saved_model.pb"));
  }

  /**
   * Takes the run's lock ({@code .lock}), which a process holds while it trains the run; the OS
   * drops it when that process dies, however it dies.
   */
  public PathLock.Hold lock() {
    return PathLock.of(path.resolve(LOCK)).hold();
  }

  /** The run's lock when no other process or thread holds it. */
  public Optional<PathLock.Hold> tryLock() {
    PathLock l = PathLock.of(path.resolve(LOCK));
    if (!l.tryAcquire()) {
      return Optional.empty();
    }
    return Optional.of(l::release);
  }

  /** True while a process trains this run (holds its lock). */
  public boolean training() {
    Optional<PathLock.Hold> h = tryLock();
    h.ifPresent(PathLock.Hold::close);
    return h.isEmpty();
  }

  /**
   * The run's status: {@code running}, {@code completed}, {@code terminated} (stopped on request,
   * with a checkpoint at its last step) or {@code failed} (an error, or a process that died without
   * a word: {@code run.json} says running but nobody holds the lock).
   */
  public String status() {
    String s = info().path("status").asText("failed");
    return s.equals("running") && !training() ? "failed" : s;
  }

  /**
   * Everything {@code guild runs} and {@code guild compare} show of the run, as one JSON object:
   * {@code id}, {@code status} (as {@link #status()}), {@code started}, {@code finished}, the
   * lineage ({@code source}, {@code model_class}, {@code base_model}, {@code dataset}), {@code
   * steps}, {@code total_steps}, {@code resumed_from}, {@code error}, {@code flags}, {@code
   * metrics}, {@code checkpoints} (their steps), {@code path} and, once completed, {@code model}.
   */
  public ObjectNode describe() {
    ObjectNode info = info();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", id);
    o.put("status", status());
    for (String k : List.of("started", "terminated", "finished", "source", "model_class", "base_model",
        "dataset", "steps", "total_steps", "resumed_from", "error")) {
      if (info.has(k)) {
        o.set(k, info.get(k));
      }
    }
    ObjectNode flags = o.putObject("flags");
    if (Files.isRegularFile(path.resolve("flags.json"))) {
      flags().forEach(flags::put);
    }
    o.set("metrics", metrics());
    var cps = o.putArray("checkpoints");
    Trainer.allCheckpoints(checkpoints()).forEach(c -> cps.add(c.step()));
    o.put("path", path.toString());
    if (completed()) {
      o.put("model", model().toString());
    }
    return o;
  }

  /**
   * Removes the run's folder: first renamed out of the runs (so that a crash leaves no half run),
   * then deleted.
   *
   * @throws GuildException when a process is training the run (it holds the lock)
   */
  public void delete() {
    Optional<PathLock.Hold> hold = tryLock();
    if (hold.isEmpty()) {
      throw new GuildException(this + " is running (another process holds its lock); stop it first");
    }
    try (PathLock.Hold h = hold.get()) {
      Path gone = path.resolveSibling(".deleted-" + id + "-" + ProcessHandle.current().pid());
      FileOps.deleteTree(gone);
      Files.move(path, gone, StandardCopyOption.ATOMIC_MOVE);
      FileOps.deleteTree(gone);
    } catch (IOException e) {
      throw new GuildException(this + ": cannot remove: " + GuildException.reason(e), e);
    }
  }

  /** {@code run.json}: source, dataset, batch size, steps, seed, status. */
  public ObjectNode info() {
    return read("run.json");
  }

  /** Replaces {@code run.json}. */
  public void writeInfo(ObjectNode info) {
    write("run.json", info);
  }

  /**
   * A training listener that records each checkpoint's step as {@code steps} in {@code info} and
   * writes it as {@code run.json}, so the run folder always says how far its checkpoints go.
   */
  public TrainingListener checkpointRecorder(ObjectNode info) {
    return new TrainingListener() {
      @Override
      public void onCheckpoint(long step, Path checkpoint) {
        info.put("steps", step);
        writeInfo(info);
      }
    };
  }

  /** The run's flag values from {@code flags.json}. */
  public Map<String, String> flags() {
    Map<String, String> out = new LinkedHashMap<>();
    read("flags.json").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Writes {@code flags.json}. */
  public void writeFlags(Flags flags) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    flags.values().forEach(o::put);
    write("flags.json", o);
  }

  /** {@code metrics.json}, empty when absent. */
  public ObjectNode metrics() {
    return Files.isRegularFile(path.resolve("metrics.json"))
        ? read("metrics.json")
        : JsonNodeFactory.instance.objectNode();
  }

  /** Sets the given keys of {@code metrics.json}, keeping the others. */
  public void mergeMetrics(ObjectNode values) {
    ObjectNode m = metrics();
    m.setAll(values);
    write("metrics.json", m);
  }

  private ObjectNode read(String name) {
    Path f = path.resolve(name);
    try {
      JsonNode n = JSON.readTree(f.toFile());
      if (n instanceof ObjectNode o) {
        return o;
      }
      throw new GuildException(f + ": not a JSON object");
    } catch (IOException e) {
      throw new GuildException(f + ": cannot read: " + e.getMessage(), e);
    }
  }

  private void write(String name, ObjectNode value) {
    Path f = path.resolve(name);
    Path tmp = path.resolve("." + name + ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), value);
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new GuildException(f + ": cannot write: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "run " + id + " (" + path + ")";
  }
}
