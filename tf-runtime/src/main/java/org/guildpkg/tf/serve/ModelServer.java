package org.guildpkg.tf.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.spec.Version;
import org.guildpkg.tf.model.SavedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server in this JVM that speaks TensorFlow Serving's REST API, so that TensorFlow Serving
 * clients can call model packages and SavedModel folders unchanged.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.builder().port(8501).start()) {
 *   server.add(GuildPackages.load("half-plus-two"));   // POST /v1/models/half-plus-two:predict
 *   server.add("my-model", Path.of("/srv/models/my-model"));
 * }
 * }</pre>
 *
 * <p><b>Endpoints</b> (as TensorFlow Serving's): {@code GET /v1/models/NAME[/versions/N |
 * /labels/L]} (status), {@code GET .../metadata} (signatures), {@code POST ...:predict} (row form
 * {@code instances} or columnar {@code inputs}), {@code POST ...:classify} and {@code ...:regress}
 * ({@code examples} and {@code context}, as serialized {@code tf.Example}s, for signatures whose
 * method is classify or regress, or that take one string input: TF2 exports mark every signature
 * predict). Errors are {@code {"error": "..."}} with 400 for a bad request,
 * 404 for an unknown model, version or label, 405 for a wrong method, 413 for a body over
 * {@link Builder#maxBodyBytes}, 415 for a compressed body, 503 when the server is out of room
 * (below).
 *
 * <p><b>Versions.</b> A model is served under its package's name, and each served package version
 * is one integer version of it, because TensorFlow Serving's API wants integers: a package version
 * that is a plain number ({@code 3}, {@code 00000123}) is that number; any other ({@code 1.0},
 * {@code 2.1-rc1}) is its 1-based rank, in Guild's version order, among the versions of the package
 * installed in the server's Guild home ({@link Builder#home}) and those already served.
 * Every package version is also a label ({@code /labels/1.0}), and the labels {@code latest} and
 * {@code stable} name the highest version, which requests without a version get. A SavedModel
 * folder named by digits (TensorFlow Serving's {@code NAME/123/} layout) is that version, any
 * other folder version 1.
 *
 * <p><b>Signatures served.</b> A client cannot change a served model: a signature whose call
 * changes the model's variables or tables (its graph writes them, as {@code train} and the
 * counter's {@code incr_counter} do; see {@link SavedModel#changesState}) is not served, and a
 * request for it gets 403, unless the operator names it with {@link Builder#allowSignature}
 * ({@code guild serve --allow-signature NAME}), which is logged as a warning. {@code
 * serving_default} and every read-only signature are served. The metadata endpoint lists the
 * served signatures under {@code signature_def} and, when some are withheld, names them with the
 * reason under {@code withheld_signatures}.
 *
 * <p><b>Batching</b> (off by default, {@link Builder#batching}): concurrent row-form predict
 * requests to one model version and signature are run as one TensorFlow call; see
 * {@link Batching}.
 *
 * <p><b>Limits.</b> A request body over {@link Builder#maxBodyBytes} (16 MiB by default) is refused
 * with 413 when its {@code Content-Length} says so, or as soon as a chunked body passes it, before
 * it is read whole; JSON nesting deeper than 64 and number literals longer than 100 characters are
 * refused while parsing. At most {@link Builder#threads} requests are handled at once (by
 * default four per processor, at least 8, and with batching at least the batch size, so that a
 * batch can fill: requests waiting for their batch take no CPU).
 *
 * <p><b>HTTP and slow clients.</b> The REST API is served by Netty event loops, which read, parse
 * and write every connection; a request is handed to a thread of its own once its headers are in
 * (that thread reads the rest of its body as it comes) and takes one of the handling permits only
 * once it is read whole. So clients that send slowly hold nothing (a partial request line or
 * headers) or only their own thread (a stalled body, {@code Expect: 100-continue} and no body),
 * and do not keep others from being answered. A client gets {@link #DEFAULT_MAX_EXCHANGE_SECONDS}
 * (or {@code -D}{@value #MAX_EXCHANGE_PROPERTY}) to send a request, as long to take an answer, and
 * a keep-alive connection may idle as long; then its connection is closed. At most 4,096
 * connections are open at once; more are closed when accepted.
 *
 * <p><b>Memory.</b> A request body takes up to about five times its size in heap while it is
 * handled (its JSON tree and input tensor: measured 4.8 for 16 MiB of distinct decimals such as
 * {@code 1234.5,}, 2.5 for {@code 1.0,} repeated), so the bodies handled at once may total at most {@link
 * Builder#maxInFlightBytes} (default: {@link #defaultMaxInFlightBytes()}, a thirty-second of the
 * maximum heap, so that they take at most about a sixth of it). A request that would pass it waits
 * up to {@link #ADMISSION_WAIT} for others to finish, then gets 503 with {@code Retry-After: 1}
 * (as TensorFlow Serving answers UNAVAILABLE, as when its batch queue is full: the server as a
 * whole is busy, not this client over a rate, which 429 would say); its body is read and
 * discarded, never kept. One request is always admitted when none is in flight, so a body up to
 * the size limit is served even when it is larger than the budget. A chunked body, whose size is
 * not known in advance, is charged as it arrives (twice what has arrived, at least 64 KiB, at
 * most {@link Builder#maxBodyBytes}), so a stalled one holds little of the budget; one that
 * cannot get more gets 503 and its connection is closed. Should the
 * heap run out all the same, that request gets 503, the error is logged and the server goes on.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
  private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

  /**
   * How long a client may take to send one request, headers and body, in seconds (checked once a
   * second), to take one answer, and to leave a keep-alive connection idle: 30 s unless the
   * {@value #MAX_EXCHANGE_PROPERTY} system property says otherwise. A slower client's connection
   * is closed.
   */
  public static final long DEFAULT_MAX_EXCHANGE_SECONDS = 30;

  /** The system property that sets {@link #DEFAULT_MAX_EXCHANGE_SECONDS}'s limit otherwise. */
  public static final String MAX_EXCHANGE_PROPERTY = "guild.serve.maxExchangeSeconds";

  /** The most connections open at once, and of threads reading request bodies. */
  static final int MAX_CONNECTIONS = 4096;

  /** The limit of {@link #DEFAULT_MAX_EXCHANGE_SECONDS} in nanoseconds, as the property sets it. */
  static long maxExchangeNanos() {
    String v = System.getProperty(MAX_EXCHANGE_PROPERTY);
    long seconds = DEFAULT_MAX_EXCHANGE_SECONDS;
    if (v != null) {
      try {
        seconds = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      if (seconds < 1) {
        throw new GuildException("-D" + MAX_EXCHANGE_PROPERTY + "=" + v + " is not a whole number"
            + " of seconds, at least 1");
      }
    }
    return TimeUnit.SECONDS.toNanos(seconds);
  }

  /** The default limit of a request body: 16 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;

  /** How long a request waits for room in the in-flight budget before it gets 503: 2 s. */
  public static final Duration ADMISSION_WAIT = Duration.ofSeconds(2);

  /**
   * The default budget of request bodies in flight: a thirty-second of the JVM's maximum heap
   * ({@code Runtime.maxMemory()}), so that the bodies being handled take about a sixth of it.
   */
  public static long defaultMaxInFlightBytes() {
    return Math.max(1, Runtime.getRuntime().maxMemory() / 32);
  }

  private final ModelRegistry registry = new ModelRegistry();
  private final RestApi api;
  private final long maxBodyBytes;
  private final InFlightBudget budget;
  private final Optional<Batching> batching;
  private final Set<String> allowedSignatures;
  private final Optional<GuildHome> home;
  private final Predictor predictor;
  private final Optional<ServingProtocol.Endpoint> grpc;
  private final boolean monitoring;
  private final HttpFrontEnd http;
  private final ThreadPoolExecutor pool;
  private final Semaphore handling;
  private final int threads;
  private volatile boolean closed;

  /**
   * Server-side batching of concurrent row-form predict requests to one model version and
   * signature: up to {@code maxBatchSize} rows are concatenated along dimension 0, run as one
   * TensorFlow call and split back. A request that finds the model idle runs at once after waiting
   * up to {@code timeout} for others (zero by default: it waits for none, and requests that arrive
   * while a call runs form the next batch).
   *
   * @param maxBatchSize the most rows in one call (a larger request runs alone)
   * @param timeout how long the first request of a batch waits for more
   */
  public record Batching(int maxBatchSize, Duration timeout) {
    /** Checks the values. */
    public Batching {
      if (maxBatchSize < 1 || timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException(
            "maxBatchSize must be >= 1 and timeout >= 0: " + maxBatchSize + ", " + timeout);
      }
    }

    /** 64 rows a call, no waiting. */
    public static Batching defaults() {
      return new Batching(64, Duration.ZERO);
    }
  }

  /** Starts building a server: loopback, an ephemeral port, no batching, 16 MiB bodies. */
  public static Builder builder() {
    return new Builder();
  }

  /** The settings of a {@link ModelServer}; {@link #start()} binds the port and serves. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 0;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private long maxInFlightBytes = defaultMaxInFlightBytes();
    private OptionalInt threads = OptionalInt.empty();
    private Optional<Batching> batching = Optional.empty();
    private final Set<String> allowedSignatures = new TreeSet<>();
    private Optional<GuildHome> home = Optional.empty();
    private OptionalInt grpcPort = OptionalInt.empty();
    private boolean monitoring;

    private Builder() {}

    /**
     * Serves request counts and latency histograms by API, model, signature and outcome in
     * Prometheus' text format at {@code GET /monitoring/prometheus/metrics} on the REST port, as
     * TensorFlow Serving does with its monitoring config (default off: 404).
     */
    public Builder monitoring(boolean on) {
      this.monitoring = on;
      return this;
    }

    /**
     * Also serves TensorFlow Serving's gRPC API ({@code tensorflow.serving.PredictionService} and
     * {@code ModelService}) on {@code port} (0: an ephemeral one; TensorFlow Serving's is 8500),
     * through the same models and prediction layer. It needs the {@code org.guildpkg:guild-grpc}
     * module on the class path, found through {@link ServingProtocol}.
     */
    public Builder grpcPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("grpcPort must be 0..65535: " + port);
      }
      this.grpcPort = OptionalInt.of(port);
      return this;
    }

    /**
     * The Guild home whose installed versions of a package number a package version that is not a
     * plain number (see the class documentation); without one, such a version is numbered by its
     * rank among the versions of the package served.
     */
    public Builder home(GuildHome home) {
      this.home = Optional.of(home);
      return this;
    }

    /**
     * Serves the signature {@code key} of every model even when calling it changes the model's
     * variables (such as {@code train}, or the counter's {@code incr_counter}): any client can then
     * change the served model. By default such signatures are not served (see the class
     * documentation); each one allowed is logged as a warning when a model that has it is added.
     */
    public Builder allowSignature(String key) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("a signature key is required");
      }
      allowedSignatures.add(key);
      return this;
    }

    /** The address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host is required");
      }
      this.host = host;
      return this;
    }

    /** The port (default 0: an ephemeral port, see {@link ModelServer#port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** The largest request body accepted (default 16 MiB, at most 2 GiB); larger ones get 413. */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("maxBodyBytes must be 1.." + (Integer.MAX_VALUE - 8)
            + ": " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * The most request-body bytes handled at once, across all requests (default {@link
     * ModelServer#defaultMaxInFlightBytes()}); a request that would pass it waits up to {@link
     * ModelServer#ADMISSION_WAIT}, then gets 503. See the class documentation.
     */
    public Builder maxInFlightBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxInFlightBytes must be >= 1: " + bytes);
      }
      this.maxInFlightBytes = bytes;
      return this;
    }

    /**
     * The requests handled at once, once read, by each API (default: {@link #defaultThreads});
     * requests take these only once read whole, so slow clients do not take them.
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1: " + threads);
      }
      this.threads = OptionalInt.of(threads);
      return this;
    }

    /**
     * The requests handled at once unless {@link #threads} says otherwise, with the settings made
     * so far: four per processor, at least 8, and with batching at least its {@code
     * maxBatchSize}. Requests waiting in a batch queue only wait (one TensorFlow call runs for the
     * batch), so fewer permits than the batch size would keep batches from filling: measured on
     * half_plus_two at 64 connections, batching with 8 permits served no more than without.
     */
    public int defaultThreads() {
      int base = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
      return batching.map(b -> Math.max(base, b.maxBatchSize())).orElse(base);
    }

    /** Turns on server-side batching of predict requests (default off). */
    public Builder batching(Batching batching) {
      this.batching = Optional.of(batching);
      return this;
    }

    /**
     * Binds the port and starts serving (no models yet).
     *
     * @throws GuildException when the address cannot be bound
     */
    public ModelServer start() {
      return new ModelServer(this);
    }
  }

  private ModelServer(Builder b) {
    this.maxBodyBytes = b.maxBodyBytes;
    this.budget = new InFlightBudget(b.maxInFlightBytes);
    this.batching = b.batching;
    this.allowedSignatures = Set.copyOf(b.allowedSignatures);
    this.home = b.home;
    this.predictor = new Predictor(registry);
    this.monitoring = b.monitoring;
    this.api = new RestApi(predictor, b.maxBodyBytes);
    AtomicInteger n = new AtomicInteger();
    // A request is handed to a thread of this pool once its headers are in, and that thread then
    // blocks reading the rest of its body: a few clients that stall their bodies must not hold
    // every thread, so the pool grows (to MAX_CONNECTIONS), and only requests read whole
    // take one of the `threads` permits to be handled.
    this.threads = b.threads.orElse(b.defaultThreads());
    this.handling = new Semaphore(threads, true);
    this.pool = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "guild-serve-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    try {
      this.http = new HttpFrontEnd(b.host, b.port, pool, this::exchange, maxExchangeNanos(),
          MAX_CONNECTIONS);
    } catch (GuildException e) {
      pool.shutdown();
      throw e;
    }
    if (b.grpcPort.isPresent()) {
      try {
        this.grpc = Optional.of(protocol("grpc").start(predictor, b.host, b.grpcPort.getAsInt(),
            Math.max(4 * b.maxBodyBytes, 64L << 20), threads));
      } catch (RuntimeException e) {
        http.close();
        pool.shutdown();
        throw e;
      }
      LOG.info("serving TensorFlow Serving's gRPC API on {}:{}", b.host, grpc.get().port());
    } else {
      this.grpc = Optional.empty();
    }
    LOG.info("serving TensorFlow Serving's REST API on {}", uri());
  }

  private static ServingProtocol protocol(String name) {
    for (ServingProtocol p : ServiceLoader.load(ServingProtocol.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new GuildException("serving the " + name + " API needs the guild-" + name + " module"
        + " (org.guildpkg:guild-" + name + ") on the class path; it is not there");
  }

  /** The port of the gRPC API, when it is served ({@link Builder#grpcPort}). */
  public OptionalInt grpcPort() {
    return grpc.map(g -> OptionalInt.of(g.port())).orElse(OptionalInt.empty());
  }

  /** The port the server listens on (the ephemeral one it got when asked for port 0). */
  public int port() {
    return http.address().getPort();
  }

  /** The server's base URL, such as {@code http://127.0.0.1:8501}. */
  public URI uri() {
    String h = http.address().getAddress().getHostAddress();
    return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port());
  }

  /** The URL of a model's REST resource: {@code http://HOST:PORT/v1/models/NAME}. */
  public URI uri(String modelName) {
    return URI.create(uri() + "/v1/models/" + encode(modelName));
  }

  /**
   * Serves a model package under its name, as the integer version its package version maps to (see
   * the class documentation); the server loads the SavedModel and closes it on removal.
   *
   * @throws GuildException when it is not a loadable model, or that version is already served
   */
  public ServedModel add(GuildPackage pkg) {
    String name = pkg.name().value();
    String v = pkg.version().value();
    List<String> installed = home.map(h -> h.list().stream()
            .filter(p -> p.name().equals(pkg.name()))
            .map(p -> p.version().value())
            .toList())
        .orElse(List.of());
    long number = versionNumber(v, installed, registry.packageVersions(name));
    return add(new ServedModel(name, number, Optional.of(v), pkg.path()),
        pkg.as(SavedModel.class), true);
  }

  /**
   * Serves the SavedModel in {@code folder} under {@code name}: a SavedModel folder (version: its
   * name when that is a number, else 1), or TensorFlow Serving's model base folder, whose
   * number-named subfolders are the versions. The server loads each and closes it on removal.
   *
   * @throws GuildException when the folder holds no SavedModel or a version is already served
   */
  public List<ServedModel> add(String name, Path folder) {
    checkName(name);
    Path dir = folder.toAbsolutePath().normalize();
    List<ServedModel> added = new ArrayList<>();
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      String base = dir.getFileName() == null ? "" : dir.getFileName().toString();
      long v = DIGITS.matcher(base).matches() ? Long.parseLong(base) : 1;
      added.add(add(new ServedModel(name, v, Optional.empty(), dir), SavedModel.open(dir), true));
      return added;
    }
    List<Path> versions;
    try (Stream<Path> s = Files.list(dir)) {
      versions = s.filter(p -> DIGITS.matcher(p.getFileName().toString()).matches()
              && Files.isRegularFile(p.resolve("saved_model.pb")))
          .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
          .toList();
    } catch (IOException e) {
      throw new GuildException("cannot read the model folder " + dir + ": " + e.getMessage(), e);
    }
    if (versions.isEmpty()) {
      throw new GuildException("no SavedModel in " + dir + ": neither saved_model.pb nor"
          + " number-named version folders holding one (TensorFlow Serving's NAME/VERSION/ layout)");
    }
    for (Path p : versions) {
      long v = Long.parseLong(p.getFileName().toString());
      added.add(add(new ServedModel(name, v, Optional.empty(), p), SavedModel.open(p), true));
    }
    return added;
  }

  /**
   * Serves an open SavedModel as {@code name} version {@code version}; it stays the caller's to
   * close (after removing it or closing the server).
   *
   * @throws GuildException when that version is already served
   */
  public ServedModel add(String name, long version, SavedModel model) {
    checkName(name);
    return add(new ServedModel(name, version, Optional.empty(), model.path()), model, false);
  }

  private ServedModel add(ServedModel info, SavedModel model, boolean owned) {
    if (closed) {
      if (owned) {
        model.close();
      }
      throw new GuildException("the model server on " + uri() + " is closed; start a new one");
    }
    Batcher batcher = batching
        .map(b -> new Batcher(b.maxBatchSize(), b.timeout().toNanos()))
        .orElse(null);
    Set<String> withheld = new TreeSet<>(model.stateChangingSignatures());
    for (String key : allowedSignatures) {
      if (withheld.remove(key)) {
        LOG.warn("serving signature {} of {}, which changes the model's variables: any client can"
            + " change the served model", key, info);
      }
    }
    if (!withheld.isEmpty()) {
      LOG.info("not serving the signatures of {} that change its variables: {} (allow one with"
          + " guild serve --allow-signature NAME)", info, withheld);
    }
    Servable s = new Servable(info, model, owned, batcher, withheld);
    try {
      registry.add(s);
    } catch (GuildException e) {
      if (owned) {
        model.close();
      }
      throw e;
    }
    // The folder only at debug level: logs of a server often travel further than its host.
    LOG.info("serving {}", info);
    LOG.debug("{} is read from {}", info, info.path());
    return info;
  }

  /**
   * Stops serving every version of a model; requests that are running finish first (the server
   * closes the SavedModels it loaded after them). Returns false when no such model was served.
   */
  public boolean remove(String name) {
    return release(registry.remove(name, OptionalLong.empty()));
  }

  /** Stops serving one version of a model, as {@link #remove(String)} does. */
  public boolean remove(String name, long version) {
    return release(registry.remove(name, OptionalLong.of(version)));
  }

  private static boolean release(List<Servable> removed) {
    removed.forEach(Servable::release);
    return !removed.isEmpty();
  }

  /**
   * The protocol-neutral prediction layer over the models served: what the REST API calls, and
   * what other protocols (such as {@code guild-grpc}'s gRPC API) call.
   */
  public Predictor predictor() {
    return predictor;
  }

  /** The versions served, by name then version. */
  public List<ServedModel> models() {
    return registry.list();
  }

  /** The requests each API handles at once ({@link Builder#threads}). */
  public int threads() {
    return threads;
  }

  /** The limit of a request body, in bytes. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The budget of request-body bytes handled at once (see the class documentation). */
  public long maxInFlightBytes() {
    return budget.limit();
  }

  /** The request-body bytes being handled now. */
  long inFlightBytes() {
    return budget.inFlight();
  }

  /** Stops listening, waits briefly for running requests, and closes the models it loaded. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    grpc.ifPresent(ServingProtocol.Endpoint::close);
    http.close();
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ServedModel m : registry.list()) {
      remove(m.name());
    }
  }

  /**
   * The integer version of a package version (see the class documentation): itself when it is a
   * plain number, else its 1-based rank among {@code installed} and {@code served} with it.
   */
  static long versionNumber(String version, List<String> installed, List<String> served) {
    if (DIGITS.matcher(version).matches()) {
      return Long.parseLong(version);
    }
    TreeSet<Version> all = new TreeSet<>();
    all.add(Version.parse(version));
    Stream.concat(installed.stream(), served.stream())
        .filter(Version::isValid)
        .forEach(v -> all.add(Version.parse(v)));
    return all.headSet(Version.parse(version), true).size();
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf(':') >= 0) {
      throw new GuildException("invalid model name '" + name + "': it must be non-empty, without"
          + " '/' or ':' (they end the name in TensorFlow Serving's URLs)");
    }
  }

  private static String encode(String name) {
    StringBuilder b = new StringBuilder();
    for (byte x : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  /** The path of the Prometheus endpoint, as TensorFlow Serving's. */
  public static final String METRICS_PATH = "/monitoring/prometheus/metrics";

  private void exchange(HttpFrontEnd.Exchange ex) {
    if (monitoring && ex.rawPath().equals(METRICS_PATH) && ex.method().equals("GET")) {
      try {
        ReplyBody text = new ReplyBody();
        text.write(predictor.prometheusText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ex.respond(200, Map.of("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), text);
      } catch (IOException e) {
        LOG.debug("metrics client went away: {}", e.getMessage());
      }
      return;
    }
    long[] admitted = {0};
    try {
      RestApi.Reply reply;
      boolean closeConnection = false;
      try {
        long length = checkBody(ex);
        // A chunked body is charged as it arrives (readBody), so a stalled one holds no budget.
        long charge = Math.max(length, 0);
        if (!budget.acquire(charge, ADMISSION_WAIT)) {
          // Read and drop the body so that the client, still sending, gets the answer, not a reset.
          closeConnection = !drain(ex);
          throw new ApiException(503, "The server is busy: request bodies of " + budget.inFlight()
              + " bytes are being handled and this one of " + charge + " bytes would pass the"
              + " in-flight budget of " + budget.limit() + " bytes; retry later (guild serve"
              + " --max-in-flight, ModelServer.Builder.maxInFlightBytes)");
        }
        admitted[0] = charge;
        byte[] body;
        try {
          body = readBody(ex, length, admitted);
        } catch (ApiException e) {
          closeConnection = true; // the rest of the body is unread
          throw e;
        }
        if (length < 0) {
          budget.release(admitted[0] - body.length);
          admitted[0] = body.length;
        }
        try {
          handling.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ApiException(503, "The server is shutting down; retry later");
        }
        try {
          reply = api.handle(ex.method(), ex.rawPath(), body);
        } finally {
          handling.release();
        }
      } catch (PredictionException e) {
        int status = RestApi.httpStatus(e);
        closeConnection |= status == 413;
        reply = new RestApi.Reply(status, api.error(e.getMessage()), Optional.empty());
      } catch (OutOfMemoryError e) {
        closeConnection = true;
        reply = outOfMemory(ex, e);
      } catch (RuntimeException | StackOverflowError e) {
        if (causedByOutOfMemory(e)) { // as when try-with-resources wraps it while closing
          closeConnection = true;
          reply = outOfMemory(ex, e);
        } else {
          LOG.warn("request {} failed", ex, e);
          // The exception stays in the log: it may name server paths and internals.
          reply = new RestApi.Reply(500, api.error("Internal error; the server's log has the"
              + " details"), Optional.empty());
        }
      }
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/json");
      reply.allow().ifPresent(a -> headers.put("Allow", a));
      if (reply.status() == 503) {
        headers.put("Retry-After", "1");
      }
      if (closeConnection) {
        headers.put("Connection", "close");
      }
      ex.respond(reply.status(), headers, reply.body());
    } catch (IOException e) {
      LOG.debug("client of {} went away: {}", ex, e.getMessage());
    } finally {
      budget.release(admitted[0]);
    }
  }

  /** The 503 of a request that ran out of heap: its own allocations are garbage now. */
  private RestApi.Reply outOfMemory(HttpFrontEnd.Exchange ex, Throwable e) {
    LOG.error("out of memory handling {} ({} request-body bytes in flight of a budget of {});"
            + " lower --max-in-flight or raise -Xmx", ex,
        budget.inFlight(), budget.limit(), e);
    return new RestApi.Reply(503, api.error("Out of memory while handling the request; retry"
        + " later or send a smaller body"), Optional.empty());
  }

  private static boolean causedByOutOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  /**
   * The body's declared length, or -1 for a chunked body; refused with 415 when compressed and
   * 413 when it is declared over the limit.
   */
  private long checkBody(HttpFrontEnd.Exchange ex) {
    String encoding = ex.header("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      throw new ApiException(415, "Content-Encoding " + encoding.trim()
          + " is not supported; send the JSON body uncompressed");
    }
    String length = ex.header("Content-Length");
    if (length == null) {
      return -1;
    }
    long declared;
    try {
      declared = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid Content-Length: " + length);
    }
    if (declared < 0) {
      throw ApiException.badRequest("Invalid Content-Length: " + length);
    }
    if (declared > maxBodyBytes) {
      throw tooLarge(Long.toString(declared));
    }
    return declared;
  }

  /**
   * The request body: {@code length} bytes read into one array, or a chunked body ({@code length}
   * -1) refused with 413 as soon as it passes the limit, before it is read whole.
   */
  private byte[] readBody(HttpFrontEnd.Exchange ex, long length, long[] admitted)
      throws IOException {
    try (InputStream in = ex.body()) {
      if (length >= 0) {
        return in.readNBytes((int) length); // a short body is a JSON parse error later
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(chunk)) > 0) {
        total += n;
        if (total > maxBodyBytes) {
          throw tooLarge("more than " + maxBodyBytes);
        }
        if (total > admitted[0]) {
          // Charge ahead in growing steps: what has arrived, doubled, at least 64 KiB.
          long more = Math.min(maxBodyBytes, Math.max(total * 2, 65536)) - admitted[0];
          if (!budget.acquire(more, ADMISSION_WAIT, admitted[0])) {
            throw new ApiException(503, "The server is busy: request bodies of "
                + budget.inFlight() + " bytes are being handled and this chunked one of more"
                + " than " + admitted[0] + " bytes would pass the in-flight budget of "
                + budget.limit() + " bytes; retry later (guild serve --max-in-flight,"
                + " ModelServer.Builder.maxInFlightBytes)");
          }
          admitted[0] += more;
        }
        buf.write(chunk, 0, n);
      }
      return buf.toByteArray();
    }
  }

  /** Reads and drops a refused body up to the size limit; false when more was left unread. */
  private boolean drain(HttpFrontEnd.Exchange ex) throws IOException {
    try (InputStream in = ex.body()) {
      byte[] chunk = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(chunk)) > 0) {
        total += n;
        if (total > maxBodyBytes) {
          return false;
        }
      }
      return true;
    }
  }

  private ApiException tooLarge(String size) {
    return new ApiException(413, "Request body of " + size + " bytes is larger than the limit of "
        + maxBodyBytes + " bytes (guild serve --max-body, ModelServer.Builder.maxBodyBytes)");
  }
}
