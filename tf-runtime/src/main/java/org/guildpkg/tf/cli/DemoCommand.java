package org.guildpkg.tf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.io.FileOps;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.model.ModelResult;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.project.ModelDescriptor;
import org.guildpkg.tf.project.PackageRef;
import org.guildpkg.tf.project.Projects;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.project.RunPackage;
import org.guildpkg.tf.train.TrainableModel;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TUint8;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

/**
 * {@code guild demo}: the whole seed workflow on real Fashion-MNIST, offline: package the dataset
 * and the convnet source package, publish them to a {@code file://} mirror inside
 * {@code $GUILD_HOME}, install, init a project, train on a short budget, evaluate, package and
 * publish the trained model, install it and classify test images through
 * {@code GuildPackages.load}. Each step runs the real {@code guild} command and says so.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the whole workflow on real Fashion-MNIST: package, publish, install, init, train, evaluate, package the model, load it and classify.")
public final class DemoCommand implements Callable<Integer> {
  static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  @ParentCommand GuildCli parent;

  @Option(names = "--steps", defaultValue = "1000",
      description = "Training steps of 100 images (default: ${DEFAULT-VALUE}, about two minutes on 2 cores).")
  long steps;

  @Option(names = "--source", defaultValue = "fashion-mnist-convnet-src",
      description = "The example source package to train: fashion-mnist-convnet-src or fashion-mnist-softmax-src (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--images", defaultValue = "8", description = "Test images to classify at the end (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--examples", paramLabel = "DIR",
      description = "The repository's examples/packages folder (default: found from this build's location).")
  Path examples;

  /** Creates the command; picocli calls this. */
  public DemoCommand() {}

  private int step;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = parent.out();
    Path home = parent.home();
    Path work = home.resolve("demo");
    Path mirror = work.resolve("mirror");
    Path archives = work.resolve("archives");
    Path project = work.resolve("project");
    Path packages = examples != null ? examples.toAbsolutePath() : findExamples();
    if (!packages.resolve(source).resolve("model.json").toFile().isFile()) {
      throw new GuildException("no source package " + source + " in " + packages);
    }
    ensureFashionMnist();
    say("Guild demo in " + work + " (home " + home + "); mirror file://" + mirror);
    // The mirror, its key and the project stay between demo runs (a mirror's index serial only
    // grows, and each run trains a new model version); the archives are rebuilt.
    FileOps.deleteTree(archives);
    Files.createDirectories(work);

    say("Package the dataset: Debian's Fashion-MNIST IDX files -> TFRecords of tf.train.Example");
    Path data = Path.of(last(guild("package", packages.resolve("fashion-mnist").toString(), "--output", archives.toString())));
    say("Package the model source: " + source + " (Java model code + flags)");
    Path src = Path.of(last(guild("package", packages.resolve(source).toString(), "--output", archives.toString())));

    say("Make a signing key and publish both archives to the mirror");
    if (!Files.isRegularFile(work.resolve("key/mirror.key"))) {
      guild("key", "generate", work.resolve("key").toString());
    }
    String url = mirror.toUri().toString();
    String key = work.resolve("key/mirror.key").toString();
    guild("publish", data.toString(), src.toString(), "--mirror", url, "--key", key);
    if (!guild("mirror", "list", "--json").contains(url)) {
      guild("mirror", "add", "demo", url, "--key", work.resolve("key/mirror.pub").toString());
    }

    say("Install " + source + " from the mirror (it requires fashion-mnist, which comes along)");
    guild("install", source);
    echo(guild("list"));

    if (Files.isRegularFile(project.resolve(ModelDescriptor.FILE))) {
      say("Reuse the project of an earlier demo run (" + project + ") and list its flags");
    } else {
      say("Start a project from the installed source package and list its flags");
      guild("init", "--template", source, project.toString());
    }
    echo(guild("init", "--template", source, "--print-vars"));

    say("Train for " + steps + " steps of 100 images (compiles the project's Java in-process)");
    echo(guild("train", "-C", project.toString(), "--steps", Long.toString(steps), "--checkpoint-every", "250"));
    String run = RunFolder.latest(Projects.runs(project)).orElseThrow().id();

    say("Evaluate on the 10,000 test images");
    echo(guild("evaluate", "-C", project.toString()));

    say("Package the run as a model package (lineage and metrics in its manifest) and publish it");
    Path model = Path.of(last(guild("package", project.toString(), "--run", run, "--output", archives.toString())));
    guild("publish", model.toString(), "--mirror", url, "--key", key);
    String modelName = modelName();
    guild("install", modelName);

    say("Load it back with GuildPackages.load(\"" + modelName + "\") and classify test images");
    GuildPackage pkg = GuildPackages.at(home).load(modelName);
    GuildPackage dataPkg = GuildPackages.at(home).load("fashion-mnist");
    classify(out, pkg, dataPkg);
    say("Done. Try: cd " + project + " && guild train --flag learning_rate=0.0005 --steps 500");
    return 0;
  }

  private String modelName() {
    return RunPackage.packageName(new PackageRef(source, "1.0"), new PackageRef("fashion-mnist", "1.0"));
  }

  private void classify(PrintWriter out, GuildPackage modelPkg, GuildPackage dataPkg) {
    SplitArrays test = Dataset.of(dataPkg).split("test").toArrays();
    List<String> classes = new ArrayList<>();
    modelPkg.manifest().interfaceData().path("classes").forEach(c -> classes.add(c.asText()));
    int n = Math.min(images, test.size());
    byte[] pixels = new byte[n * 784];
    for (int i = 0; i < n; i++) {
      System.arraycopy(test.uint8("image")[i], 0, pixels, i * 784, 784);
    }
    long[] labels = test.int64Scalars("label");
    out.printf(Locale.ROOT, "model %s: test accuracy %.4f (manifest metrics)%n", modelPkg,
        modelPkg.manifest().interfaceData().at("/metrics/accuracy").asDouble());
    try (SavedModel model = modelPkg.as(SavedModel.class);
        TUint8 image = TUint8.tensorOf(Shape.of(n, 28, 28), DataBuffers.of(pixels, true, false));
        ModelResult r = model.call(TrainableModel.SERVING, Map.of("image", image))) {
      long[] predicted = r.longs("classes");
      float[][] p = r.floatMatrix("probabilities");
      int right = 0;
      for (int i = 0; i < n; i++) {
        boolean ok = predicted[i] == labels[i];
        right += ok ? 1 : 0;
        out.printf(Locale.ROOT, "  test image %d: true %-12s predicted %-12s (p=%.2f) %s%n", i,
            classes.get((int) labels[i]), classes.get((int) predicted[i]), p[i][(int) predicted[i]], ok ? "ok" : "WRONG");
      }
      out.printf(Locale.ROOT, "%d of %d right%n", right, n);
    }
    out.flush();
  }

  private void ensureFashionMnist() throws IOException {
    if (hasFashionMnist(FASHION_MNIST)) {
      return;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      say("Fashion-MNIST is missing: installing Debian's dataset-fashion-mnist with apt-get");
      try {
        Process p = new ProcessBuilder("apt-get", "install", "-y", "-q", "dataset-fashion-mnist")
            .redirectErrorStream(true).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
          lines.lines().forEach(l -> parent.err().println("    " + l));
        }
        parent.err().flush();
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    requireFashionMnist(FASHION_MNIST);
  }

  private static boolean hasFashionMnist(Path dir) {
    return java.util.stream.Stream.of("train", "t10k")
        .flatMap(split -> java.util.stream.Stream.of(split + "-images-idx3-ubyte.gz", split + "-labels-idx1-ubyte.gz"))
        .allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  /** Fails with how to get Debian's Fashion-MNIST files when {@code dir} lacks them. */
  static void requireFashionMnist(Path dir) {
    if (!hasFashionMnist(dir)) {
      throw new GuildException("Fashion-MNIST is not in " + dir
          + ": install it with 'sudo apt-get install dataset-fashion-mnist' and run guild demo again");
    }
  }

  private void say(String what) {
    step++;
    parent.out().println("==> " + step + ". " + what);
    parent.out().flush();
  }

  private void echo(String output) {
    output.lines().forEach(l -> parent.out().println("    " + l));
    parent.out().flush();
  }

  private static String last(String output) {
    return output.strip().lines().reduce((a, b) -> b).orElseThrow(() -> new GuildException("no output"));
  }

  /** Runs one real guild command with this one's global options; returns its standard output. */
  private String guild(String... args) {
    StringWriter captured = new StringWriter();
    int status = run(captured, args);
    if (status != 0) {
      throw new GuildException("demo step 'guild " + String.join(" ", args) + "' failed (exit " + status + "); see above");
    }
    return captured.toString();
  }

  private int run(StringWriter captured, String... args) {
    CommandLine cl = GuildCli.commandLine();
    cl.setOut(new PrintWriter(captured, true));
    cl.setErr(parent.err());
    List<String> all = new ArrayList<>(List.of("--home", parent.home().toString()));
    all.addAll(List.of(args));
    parent.err().println("    $ guild " + String.join(" ", args));
    parent.err().flush();
    return cl.execute(all.toArray(String[]::new));
  }

  private static Path findExamples() {
    String root = System.getProperty("guild.repoRoot");
    List<Path> starts = new ArrayList<>();
    if (root != null) {
      starts.add(Path.of(root));
    }
    try {
      starts.add(Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | RuntimeException e) {
      // fall back to the current folder
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path s : starts) {
      for (Path p = s.toAbsolutePath(); p != null; p = p.getParent()) {
        if (Files.isDirectory(p.resolve("examples/packages/fashion-mnist"))) {
          return p.resolve("examples/packages");
        }
      }
    }
    throw new GuildException("cannot find the repository's examples/packages folder: give --examples DIR");
  }
}
