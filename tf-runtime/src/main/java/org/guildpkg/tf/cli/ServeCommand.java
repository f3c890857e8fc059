package org.guildpkg.tf.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.PackageFolder;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spec.PackageName;
import org.guildpkg.tf.serve.ModelServer;
import org.guildpkg.tf.serve.ServedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild serve SPEC...}: TensorFlow Serving's REST API for models, in this JVM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve model packages or SavedModel folders with TensorFlow Serving's REST API"
          + " (/v1/models/NAME:predict, :classify, :regress, /metadata) until interrupted.",
      "Signatures whose call changes the model's variables (such as train) are not served"
          + " unless named with --allow-signature.",
      "Prints each model's URL. A package version is served as its number when it is a plain"
          + " number, else as its rank among the package's installed versions; it is also a label"
          + " (/labels/VERSION), and 'latest' and 'stable' name the highest."
    })
final class ServeCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(
      arity = "1..*",
      paramLabel = "SPEC",
      description = "An installed model package (NAME: every installed version; NAME@VERSION or"
          + " 'NAME>=1.0': one),"
          + " a package folder, a SavedModel folder, or TensorFlow Serving's model base folder"
          + " (number-named version folders).")
  List<String> specs;

  @Option(names = "--port", paramLabel = "P", description = "The port (default: ${DEFAULT-VALUE},"
      + " TensorFlow Serving's REST port; 0 picks a free one).")
  int port = 8501;

  @Option(names = "--grpc-port", paramLabel = "P", description = "Also serve TensorFlow Serving's"
      + " gRPC API (PredictionService, ModelService) on this port (TensorFlow Serving's is 8500; 0"
      + " picks a free one); needs the guild-grpc module, which ./guild includes.")
  Integer grpcPort;

  @Option(names = "--monitoring", description = "Serve request counts and latency histograms (by"
      + " API, model, signature and outcome) for Prometheus at /monitoring/prometheus/metrics on"
      + " the REST port (default: off).")
  boolean monitoring;

  @Option(names = "--host", paramLabel = "H", description = "The address to listen on (default:"
      + " ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host = "127.0.0.1";

  @Option(names = "--name", paramLabel = "NAME", description = "The model name in the URLs for a"
      + " single folder SPEC (default: the package's name, else the folder's name, or its parent's"
      + " when the folder is a version number).")
  String name;

  @Option(names = "--batching", description = "Batch concurrent row-form predict requests to one"
      + " model into one TensorFlow call (default: off).")
  boolean batching;

  @Option(names = "--max-batch-size", paramLabel = "ROWS", description = "With --batching, the most"
      + " rows in one call (default: ${DEFAULT-VALUE}).")
  int maxBatchSize = 64;

  @Option(names = "--batch-timeout-micros", paramLabel = "US", description = "With --batching, how"
      + " long the first request of a batch waits for more (default: ${DEFAULT-VALUE}: none; requests"
      + " that arrive while the model is busy share the next call).")
  long batchTimeoutMicros = 0;

  @Option(names = "--max-body", paramLabel = "BYTES", description = "The largest request body"
      + " accepted; larger ones get 413 (default: ${DEFAULT-VALUE}, 16 MiB).")
  long maxBody = ModelServer.DEFAULT_MAX_BODY_BYTES;

  @Option(names = "--max-in-flight", paramLabel = "BYTES", description = "The most request-body"
      + " bytes handled at once, across all requests; a request that would pass it waits up to 2 s"
      + " for others to finish, then gets 503 with Retry-After: 1 (default: a 32nd of the maximum"
      + " heap, -Xmx; a body takes up to about 5 times its size in heap while handled).")
  Long maxInFlight;

  @Option(names = "--allow-signature", paramLabel = "NAME", description = "Also serve the"
      + " signature NAME when calling it changes the model's variables (such as train); by default"
      + " such signatures are not served, so clients cannot change the model. Repeatable.")
  List<String> allowSignatures = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", description = "Requests handled at once, once read"
      + " (default: four per processor, at least 8, and with --batching at least --max-batch-size,"
      + " so that a batch can fill); connections are read on threads of their own, so slow"
      + " clients do not take these.")
  Integer threads;

  /** Counted down to stop serving (by tests); a SIGINT or SIGTERM also stops the server. */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() {
    if (name != null && specs.size() != 1) {
      throw new GuildException("--name needs exactly one SPEC, not " + specs.size());
    }
    ModelServer.Builder b = ModelServer.builder().host(host).port(port).maxBodyBytes(maxBody)
        .home(GuildPackages.at(parent.home()));
    if (threads != null) {
      b.threads(threads);
    }
    if (maxInFlight != null) {
      b.maxInFlightBytes(maxInFlight);
    }
    b.monitoring(monitoring);
    if (grpcPort != null) {
      b.grpcPort(grpcPort);
    }
    for (String key : allowSignatures) {
      b.allowSignature(key);
      parent.err().println("guild: warning: serving signature " + key + " where a model has it,"
          + " even if it changes the model's variables: any client can then change the model");
    }
    if (batching) {
      b.batching(new ModelServer.Batching(maxBatchSize, Duration.ofNanos(batchTimeoutMicros * 1000)));
    }
    PrintWriter out = parent.out();
    try (ModelServer server = b.start()) {
      Thread hook = new Thread(stop::countDown, "guild-serve-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        for (String spec : specs) {
          for (ServedModel m : add(server, spec)) {
            out.println("serving " + m + " at " + server.uri(m.name()));
          }
        }
        server.grpcPort().ifPresent(p -> out.println("gRPC on " + host + ":" + p));
        out.println("listening on " + server.uri() + (batching ? " (batching on)" : "")
            + "; press Ctrl-C to stop");
        out.flush();
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // interrupted: stop serving, as Ctrl-C does
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down already
        }
      }
    }
    return 0;
  }

  private List<ServedModel> add(ModelServer server, String spec) {
    Path asPath = Path.of(spec);
    if (Files.isDirectory(asPath)) {
      PackageFolder r = GuildPackages.at(parent.home()).offline(parent.offline()).resolve(spec);
      if (r.pkg().isPresent() && name == null) {
        return List.of(server.add(r.pkg().get()));
      }
      return server.add(name != null ? name : folderName(r.folder()), r.folder());
    }
    if (PackageName.isValid(spec)) {
      // A bare NAME serves every installed version: the package's versions are the model's.
      List<GuildPackage> installed = GuildPackages.at(parent.home()).list().stream()
          .filter(p -> p.name().value().equals(spec))
          .sorted(Comparator.comparing(GuildPackage::version))
          .toList();
      if (!installed.isEmpty()) {
        List<ServedModel> added = new ArrayList<>();
        installed.forEach(p -> added.add(server.add(p)));
        return added;
      }
    }
    return List.of(server.add(GuildPackages.at(parent.home()).offline(parent.offline()).resolve(spec).requirePackage()));
  }

  /** The folder's name, or its parent's for a version folder ({@code half_plus_two/00000123}). */
  private static String folderName(Path folder) {
    String n = folder.getFileName().toString();
    if (n.chars().allMatch(Character::isDigit) && folder.getParent() != null
        && folder.getParent().getFileName() != null) {
      return folder.getParent().getFileName().toString();
    }
    return n;
  }
}
