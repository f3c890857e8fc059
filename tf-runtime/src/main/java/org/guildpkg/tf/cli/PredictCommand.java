package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackages;
import org.guildpkg.PackageFolder;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.classify.ClassProbability;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;
import org.guildpkg.tf.model.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild predict MODEL FILE... [--top K] [--json]}: classify images with an image model. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Classify images (JPEG, PNG, BMP, GIF) with an image classifier package, printing each"
          + " file's K most probable classes. A FILE ending in .json is read as TensorFlow"
          + " Serving instances: {\"instances\": [{\"b64\": ...}, ...]} (or {\"image_bytes\":"
          + " {\"b64\": ...}} per instance)."
    })
final class PredictCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand GuildCli parent;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "An installed model package (NAME or NAME@VERSION) or a SavedModel folder.")
  String modelSpec;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "Images or JSON instance files.")
  List<Path> files;

  @Option(names = "--top", paramLabel = "K", defaultValue = "5",
      description = "How many classes to print per input (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--json", description = "Print a JSON array: per input {\"file\", \"top\": [{\"label\", \"probability\"}, ...]}, highest first.")
  boolean json;

  /** One input: where it came from and its encoded bytes. */
  private record Input(String name, byte[] bytes) {}

  @Override
  public Integer call() {
    if (top < 1) {
      throw new GuildException("--top " + top + ": give K >= 1");
    }
    List<Input> inputs = new ArrayList<>();
    for (Path f : files) {
      inputs.addAll(read(f));
    }
    PackageFolder ref = GuildPackages.at(parent.home()).offline(parent.offline()).resolve(modelSpec);
    ArrayNode results = JSON.createArrayNode();
    PrintWriter out = parent.out();
    try (SavedModel model = SavedModel.open(ref.folder())) {
      Classifier c = Classifier.of(model);
      if (!c.takesImages()) {
        throw new GuildException(ref.label() + " does not take encoded images (its serving_default has no"
            + " string input 'image_bytes'); guild predict classifies images with image models");
      }
      for (Input in : inputs) {
        Prediction p;
        try {
          p = c.classifyImage(in.bytes());
        } catch (GuildException e) {
          throw new GuildException(in.name() + ": " + e.getMessage(), e);
        }
        List<ClassProbability> best = c.top(p, top);
        if (json) {
          ObjectNode o = results.addObject();
          o.put("file", in.name());
          ArrayNode a = o.putArray("top");
          best.forEach(b -> a.addObject().put("label", b.label()).put("probability", b.probability()));
        } else {
          out.println(in.name());
          best.forEach(b -> out.printf(Locale.ROOT, "  %.4f  %s%n", b.probability(), b.label()));
        }
      }
    }
    if (json) {
      out.println(results.toPrettyString());
    }
    out.flush();
    return 0;
  }

  private static List<Input> read(Path f) {
    byte[] b;
    try {
      b = Files.readAllBytes(f);
    } catch (IOException e) {
      throw new GuildException("cannot read " + f + ": " + GuildException.reason(e), e);
    }
    if (!f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      return List.of(new Input(f.toString(), b));
    }
    JsonNode root;
    try {
      root = JSON.readTree(b);
    } catch (IOException e) {
      throw new GuildException(f + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    JsonNode instances = root == null ? null : root.path("instances");
    if (instances == null || !instances.isArray() || instances.isEmpty()) {
      throw new GuildException(f + ": needs {\"instances\": [{\"b64\": ...}, ...]} (TensorFlow Serving's row format)");
    }
    List<Input> out = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      JsonNode v = instances.get(i);
      JsonNode b64 = v.has("image_bytes") ? v.get("image_bytes").path("b64") : v.path("b64");
      if (!b64.isTextual()) {
        throw new GuildException(f + ": instance " + i + " is not {\"b64\": ...} or {\"image_bytes\": {\"b64\": ...}}");
      }
      try {
        out.add(new Input(f + "#" + i, Base64.getDecoder().decode(b64.textValue())));
      } catch (IllegalArgumentException e) {
        throw new GuildException(f + ": instance " + i + " is not valid base64: " + e.getMessage());
      }
    }
    return out;
  }
}
