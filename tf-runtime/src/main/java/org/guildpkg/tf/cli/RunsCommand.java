package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.project.PackageRef;
import org.guildpkg.tf.project.Projects;
import org.guildpkg.tf.project.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild runs [list|info|rm]}: the training runs of a project ({@code runs/ID/}), as Guild
 * AI's {@code runs} and MLflow's run list show them: status, start, model, steps, key metrics; one
 * run's flags, metrics, checkpoints and lineage; removing runs that no process is training.
 */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "List a project's training runs (default), show one, or remove runs.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Info.class, RunsCommand.Remove.class})
public final class RunsCommand implements Callable<Integer> {
  /** Metrics {@code runs list} shows, in this order, when a run has them. */
  static final List<String> KEY_METRICS = List.of("train_loss", "val_loss", "val_accuracy", "accuracy");

  @ParentCommand GuildCli parent;

  @Option(names = {"-C", "--project"}, paramLabel = "DIR", defaultValue = ".", scope = ScopeType.INHERIT,
      description = "The project folder holding runs/ (default: the current folder).")
  Path project;

  @Option(names = "--json", description = "Print a JSON array of runs (as 'runs info --json' each) instead of a table.")
  boolean json;

  /** Creates the command; picocli calls this. */
  public RunsCommand() {}

  @Override
  public Integer call() {
    return list(parent, project, json);
  }

  /** The runs folder of the project in {@code dir}, which must be a folder. */
  static Path runsDir(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    if (!java.nio.file.Files.isDirectory(d)) {
      throw new GuildException("no project folder " + d + "; give -C DIR");
    }
    return Projects.runs(d);
  }

  /** The runs named by {@code ids}, or all runs when none is named. */
  static List<RunFolder> runs(Path runsDir, List<String> ids) {
    List<RunFolder> out = new ArrayList<>();
    for (String id : ids.isEmpty() ? RunFolder.ids(runsDir) : new ArrayList<>(new LinkedHashSet<>(ids))) {
      out.add(RunFolder.open(runsDir, id));
    }
    return out;
  }

  static int list(GuildCli cli, Path dir, boolean json) {
    Path runsDir = runsDir(dir);
    List<ObjectNode> runs = runs(runsDir, List.of()).stream().map(RunFolder::describe).toList();
    if (json) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      runs.forEach(a::add);
      cli.printJson(a);
      return 0;
    }
    if (runs.isEmpty()) {
      cli.err().println("no runs in " + runsDir + "; start one with 'guild train'");
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "STATUS", "STARTED", "MODEL", "DATASET", "STEPS", "METRICS"});
    for (ObjectNode r : runs) {
      StringBuilder m = new StringBuilder();
      for (String k : KEY_METRICS) {
        JsonNode v = r.path("metrics").path(k);
        if (v.isNumber()) {
          m.append(m.isEmpty() ? "" : "  ").append(k).append(' ').append(number(v));
        }
      }
      rows.add(new String[] {
          r.path("id").asText(), r.path("status").asText(), started(r), model(r),
          PackageRef.fromJson(r.get("dataset")).map(PackageRef::toString).orElse("-"),
          r.path("steps").asLong() + "/" + r.path("total_steps").asLong(), m.toString()});
    }
    table(cli.out(), rows);
    return 0;
  }

  private static String started(JsonNode r) {
    String s = r.path("started").asText("-");
    // 2026-11-30T02:40:01.123Z -> 2026-11-30 02:40:01 (UTC, as run.json records it)
    return s.length() >= 19 ? s.substring(0, 10) + " " + s.substring(11, 19) : s;
  }

  private static String model(JsonNode r) {
    String source = PackageRef.fromJson(r.get("source")).map(PackageRef::name).orElse("-");
    return r.has("base_model") ? source + " (fine-tuned)" : source;
  }

  /** A metric as {@code runs} and {@code compare} print it: 4 decimals, or whole when integral. */
  static String number(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    if (v.isNumber()) {
      return String.format(Locale.ROOT, "%.4f", v.asDouble());
    }
    return v.asText();
  }

  /** Prints rows as columns padded to their widest cell, the last one unpadded. */
  static void table(PrintWriter out, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        b.append(i == cols - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
      }
      out.println(b.toString().stripTrailing());
    }
    out.flush();
  }

  /** {@code guild runs list}: the same as {@code guild runs}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the runs: ID, status, start, model, dataset, steps, key metrics.")
  static final class ListRuns implements Callable<Integer> {
    @ParentCommand RunsCommand runs;

    @Option(names = "--json", description = "Print a JSON array of runs (as 'runs info --json' each) instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      return list(runs.parent, runs.project, json || runs.json);
    }
  }

  /** {@code guild runs info RUN}: one run's lineage, flags, metrics, checkpoints and folder. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Show a run: status, lineage (source, dataset, base model), flags, metrics, checkpoints, folder.")
  static final class Info implements Callable<Integer> {
    @ParentCommand RunsCommand runs;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run ID.")
    String id;

    @Option(names = "--json", description = "Print the run as a JSON object instead of lines.")
    boolean json;

    @Override
    public Integer call() {
      Path dir = runs.project;
      ObjectNode r = RunFolder.open(runsDir(dir), id).describe();
      GuildCli cli = runs.parent;
      if (json) {
        cli.printJson(r);
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"run:", r.path("id").asText() + " (" + r.path("status").asText() + ")"});
      rows.add(new String[] {"folder:", r.path("path").asText()});
      for (String k : List.of("started", "terminated", "finished")) {
        if (r.has(k)) {
          rows.add(new String[] {k + ":", r.path(k).asText()});
        }
      }
      rows.add(new String[] {"source:", PackageRef.fromJson(r.get("source")).map(PackageRef::toString).orElse("-")
          + (r.has("model_class") ? " (" + r.path("model_class").asText() + ")" : "")});
      if (r.has("base_model")) {
        rows.add(new String[] {"base model:", r.path("base_model").asText()});
      }
      rows.add(new String[] {"dataset:", PackageRef.fromJson(r.get("dataset")).map(PackageRef::toString).orElse("-")});
      rows.add(new String[] {"steps:", r.path("steps").asLong() + "/" + r.path("total_steps").asLong()
          + (r.has("resumed_from") ? " (resumed from " + r.path("resumed_from").asLong() + ")" : "")});
      if (r.has("error")) {
        rows.add(new String[] {"error:", r.path("error").asText()});
      }
      rows.add(new String[] {"flags:", join(r.path("flags"))});
      rows.add(new String[] {"metrics:", join(r.path("metrics"))});
      List<String> cps = new ArrayList<>();
      r.path("checkpoints").forEach(c -> cps.add(c.asText()));
      rows.add(new String[] {"checkpoints:", cps.isEmpty() ? "none" : "steps " + String.join(", ", cps)});
      rows.add(new String[] {"model:", r.has("model") ? r.path("model").asText() : "none (the run has not completed)"});
      table(cli.out(), rows);
      return 0;
    }

    private static String join(JsonNode o) {
      List<String> parts = new ArrayList<>();
      o.fields().forEachRemaining(e -> {
        if (e.getValue().isValueNode()) {
          parts.add(e.getKey() + "=" + number(e.getValue()));
        }
      });
      return parts.isEmpty() ? "none" : String.join("  ", parts);
    }
  }

  /** {@code guild runs rm RUN...}: removes runs, refusing one a process is training. */
  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = "Remove runs and their folders; a run being trained is refused.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand RunsCommand runs;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "The run IDs.")
    List<String> ids;

    @Override
    public Integer call() {
      Path dir = runs.project;
      // Every ID is checked before any run goes: a typo removes nothing.
      List<RunFolder> all = runs(runsDir(dir), ids);
      Set<String> busy = new LinkedHashSet<>();
      for (RunFolder r : all) {
        if (r.training()) {
          busy.add(r.id());
        }
      }
      if (!busy.isEmpty()) {
        throw new GuildException("run " + String.join(", ", busy)
            + (busy.size() == 1 ? " is" : " are") + " running (a process holds its lock); stop it first. Nothing removed");
      }
      for (RunFolder r : all) {
        r.delete();
        runs.parent.out().println("removed run " + r.id());
      }
      return 0;
    }
  }
}
