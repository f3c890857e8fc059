package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.project.RunFolder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild compare [RUN...]}: runs' flags and metrics side by side (Guild AI's {@code
 * compare}, MLflow's run comparison): a table with one column per run, rows that differ marked
 * with {@code *}; or {@code --json} (an array of {@code {run, status, steps, flags, metrics}}), or
 * {@code --csv} (one row per run, for a spreadsheet or pandas).
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Compare runs' flags and metrics side by side (default: every run of the project).")
public final class CompareCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "0..*", paramLabel = "RUN", description = "The run IDs (default: all runs).")
  List<String> ids = new ArrayList<>();

  @Option(names = {"-C", "--project"}, paramLabel = "DIR", defaultValue = ".",
      description = "The project folder holding runs/ (default: the current folder).")
  Path project;

  @ArgGroup(exclusive = true)
  Format format;

  static final class Format {
    @Option(names = "--json", description = "Print a JSON array of {run, status, steps, flags, metrics} instead of a table.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV, one row per run: run, status, steps, then flag:NAME and metric:NAME columns.")
    boolean csv;
  }

  /** Creates the command; picocli calls this. */
  public CompareCommand() {}

  @Override
  public Integer call() {
    List<ObjectNode> runs = RunsCommand.runs(RunsCommand.runsDir(project), ids).stream()
        .map(RunFolder::describe).toList();
    Set<String> flags = new LinkedHashSet<>();
    Set<String> metrics = new LinkedHashSet<>();
    for (ObjectNode r : runs) {
      r.path("flags").fieldNames().forEachRemaining(flags::add);
      r.path("metrics").fields().forEachRemaining(e -> {
        // Not the confusion matrix or per-class tables; steps has its own column.
        if (e.getValue().isValueNode() && !e.getKey().equals("steps")) {
          metrics.add(e.getKey());
        }
      });
    }
    if (format != null && format.json) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (ObjectNode r : runs) {
        ObjectNode o = a.addObject();
        o.put("run", r.path("id").asText());
        o.put("status", r.path("status").asText());
        o.put("steps", r.path("steps").asLong());
        o.set("flags", r.path("flags"));
        ObjectNode m = o.putObject("metrics");
        metrics.forEach(k -> {
          if (r.path("metrics").has(k)) {
            m.set(k, r.path("metrics").get(k));
          }
        });
      }
      parent.printJson(a);
      return 0;
    }
    if (runs.isEmpty()) {
      parent.err().println("no runs to compare in " + RunsCommand.runsDir(project));
      return 0;
    }
    if (format != null && format.csv) {
      List<String> header = new ArrayList<>(List.of("run", "status", "steps"));
      flags.forEach(f -> header.add("flag:" + f));
      metrics.forEach(m -> header.add("metric:" + m));
      parent.out().println(csv(header));
      for (ObjectNode r : runs) {
        List<String> row = new ArrayList<>(List.of(
            r.path("id").asText(), r.path("status").asText(), r.path("steps").asText()));
        flags.forEach(f -> row.add(r.path("flags").path(f).asText("")));
        metrics.forEach(m -> row.add(r.path("metrics").path(m).asText("")));
        parent.out().println(csv(row));
      }
      parent.out().flush();
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("", "RUN"));
    runs.forEach(r -> head.add(r.path("id").asText()));
    rows.add(head.toArray(String[]::new));
    rows.add(row(runs, "status", r -> r.path("status")));
    rows.add(row(runs, "steps", r -> r.path("steps")));
    flags.forEach(f -> rows.add(row(runs, f, r -> r.path("flags").path(f))));
    metrics.forEach(m -> rows.add(row(runs, m, r -> r.path("metrics").path(m))));
    RunsCommand.table(parent.out(), rows);
    return 0;
  }

  /** One row of the table: a mark when the runs differ, the key, then each run's value. */
  private static String[] row(List<ObjectNode> runs, String key, java.util.function.Function<ObjectNode, JsonNode> get) {
    String[] out = new String[runs.size() + 2];
    out[1] = key;
    Set<String> distinct = new LinkedHashSet<>();
    for (int i = 0; i < runs.size(); i++) {
      JsonNode v = get.apply(runs.get(i));
      out[i + 2] = v.isMissingNode() ? "-" : RunsCommand.number(v);
      distinct.add(out[i + 2]);
    }
    out[0] = distinct.size() > 1 ? "*" : "";
    return out;
  }

  /** One CSV record (RFC 4180): a field with a comma, quote or line break is quoted. */
  static String csv(List<String> fields) {
    List<String> out = new ArrayList<>();
    for (String f : fields) {
      out.add(f.matches("[^,\"\r\n]*") ? f : "\"" + f.replace("\"", "\"\"") + "\"");
    }
    return String.join(",", out);
  }
}
