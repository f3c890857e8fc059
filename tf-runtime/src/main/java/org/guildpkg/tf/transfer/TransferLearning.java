package org.guildpkg.tf.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.io.FileOps;
import org.guildpkg.spec.PackageType;
import org.guildpkg.tf.author.FlagSpec;
import org.guildpkg.tf.author.FlagType;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.imports.ImageInterface;
import org.guildpkg.tf.project.PackageRef;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.project.RunPackage;
import org.guildpkg.tf.train.InMemoryExamples;
import org.guildpkg.tf.train.InputSpec;
import org.guildpkg.tf.train.TensorBatch;
import org.guildpkg.tf.train.TensorBoardEvents;
import org.guildpkg.tf.train.TrainableModel;
import org.guildpkg.tf.train.Trainer;
import org.guildpkg.tf.train.TrainingListener;
import org.guildpkg.tf.train.TrainingSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/**
 * Retrains an installed image classifier on a dataset's classes (transfer learning): what {@code
 * guild train --model mobilenet-v2+ilsvrc2012 --dataset cifar10} runs.
 *
 * <ol>
 *   <li>each image's features (the parent's {@code features} signature, its penultimate layer) are
 *       computed once per split and kept in a {@link FeatureCache} keyed by the parent's and the
 *       dataset's digests, so another run with other flags starts training at once;
 *   <li>a new head ({@link FeatureHead}: standardised features, a hidden ReLU layer with dropout,
 *       softmax) is trained on them by the usual {@link Trainer}, with checkpoints and TensorBoard
 *       events in the run folder, and scored on the {@code test} split when there is one;
 *   <li>the run's {@code model/} is the parent's graph with the trained head on top ({@link
 *       RetrainedExport}): the parent's image interface (encoded images in) and the new class
 *       names out; {@code guild package --run ID} makes it the package {@code BASE+DATASET} (such
 *       as {@code mobilenet-v2+cifar10}) with its lineage (parent and dataset) in the manifest.
 * </ol>
 *
 * <pre>{@code
 * GuildPackage parent = GuildPackages.at(home).load("mobilenet-v2+ilsvrc2012");
 * Datasets.Resolved cifar = Datasets.resolve("cifar10", home, false);
 * RunFolder run = TransferLearning.start(new TransferLearning.Request(
 *     Path.of("runs"), parent, cifar, TransferLearning.cacheFolder(home), Map.of("epochs", "10"),
 *     OptionalLong.empty(), OptionalLong.empty(), 500, (split, done, total, rate) -> {}), List.of());
 * }</pre>
 */
public final class TransferLearning {
  private static final Logger LOG = LoggerFactory.getLogger(TransferLearning.class);

  /** The flags of a transfer-learning run, with their defaults. */
  public static final Map<String, FlagSpec> FLAGS = flags();

  /** The run.json field that marks a transfer-learning run and names its parent model. */
  public static final String PARENT = "parent";

  private TransferLearning() {}

  private static Map<String, FlagSpec> flags() {
    Map<String, FlagSpec> m = new LinkedHashMap<>();
    m.put("batch_size", new FlagSpec("batch_size", "128", FlagType.INT, "Examples per training step."));
    m.put("epochs", new FlagSpec("epochs", "10", FlagType.INT, "Passes over the train split's features."));
    m.put("learning_rate", new FlagSpec("learning_rate", "0.001", FlagType.FLOAT, "Adam's learning rate."));
    m.put("hidden", new FlagSpec("hidden", "1024", FlagType.INT, "Units of the head's hidden ReLU layer; 0 for a linear softmax head."));
    m.put("dropout", new FlagSpec("dropout", "0.5", FlagType.FLOAT, "Dropout rate after the hidden layer while training."));
    m.put("train_examples", new FlagSpec("train_examples", "0", FlagType.INT,
        "Train on the train split's first N images only (0: all); their features are cached in parts, so a larger N later computes only the rest."));
    m.put("seed", new FlagSpec("seed", "1", FlagType.INT, "Seeds the head's initial weights, dropout and the shuffling."));
    m.put("features", new FlagSpec("features", "spatial", FlagType.STRING,
        "Which of the parent's activations the head learns from: spatial (its last feature map on a 2x2 grid and earlier blocks' averages) or pooled (its features signature as it is)."));
    m.put("mirror", new FlagSpec("mirror", "true", FlagType.BOOL,
        "Answer with the average of an image's and its mirror image's probabilities (in the test score and in the exported model)."));
    m.put("mirror_train", new FlagSpec("mirror_train", "false", FlagType.BOOL,
        "Also train on each train image's mirror image (twice the train split's feature extraction and memory)."));
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * What to retrain.
   *
   * @param runsDir where the run folder goes
   * @param parent the installed image model whose features are used (it needs a {@code features}
   *     signature and an image interface in its manifest)
   * @param dataset the image dataset: its train split (and test split, when there is one)
   * @param datasetRef the dataset's name and version, for the lineage
   * @param datasetSpec how to find the dataset again (a folder or NAME@VERSION)
   * @param cacheFolder where feature caches live ({@link #cacheFolder(Path)} of the Guild home)
   * @param flagValues values for {@link #FLAGS}
   * @param steps train this many steps in all, if given
   * @param epochs train this many epochs, if given (else the {@code epochs} flag)
   * @param checkpointEvery steps between checkpoints
   * @param progress told after each batch of feature extraction
   */
  public record Request(
      Path runsDir,
      GuildPackage parent,
      Dataset dataset,
      PackageRef datasetRef,
      String datasetSpec,
      Path cacheFolder,
      Map<String, String> flagValues,
      OptionalLong steps,
      OptionalLong epochs,
      long checkpointEvery,
      FeatureCache.Progress progress) {
    /** Copies the flags. */
    public Request {
      flagValues = Map.copyOf(flagValues);
    }
  }

  /** The feature caches' folder in a Guild home: {@code HOME/cache/features}. */
  public static Path cacheFolder(Path home) {
    return org.guildpkg.store.HomeLayout.of(home.toAbsolutePath().normalize()).featureCache();
  }

  /**
   * Whether a model package is one to retrain: a model whose manifest has an image interface
   * ({@code interface.image}, as {@code guild model import} writes it).
   */
  public static boolean isImageModel(GuildPackage pkg) {
    return pkg.type() == PackageType.MODEL && pkg.manifest().interfaceData().path("image").isObject();
  }

  /** The retrained model's package name: the parent's name up to its {@code +}, {@code +}, the dataset's. */
  public static String packageName(String parent, String dataset) {
    return RunPackage.retrainedName(new PackageRef(parent, "0"), new PackageRef(dataset, "0"));
  }

  /**
   * Checks, without loading anything big, that {@code parent} can be retrained on {@code dataset}:
   * an image model, and a dataset with a train split of encoded images, labels and two classes or
   * more.
   *
   * @return the parent's image interface
   * @throws GuildException in one line naming what is wrong
   */
  public static ImageInterface check(GuildPackage parent, Dataset dataset) {
    if (!isImageModel(parent)) {
      throw new GuildException(parent + " is not an image model (its manifest has no image interface);"
          + " transfer learning needs one such as mobilenet-v2+ilsvrc2012");
    }
    ImageInterface image = ImageInterface.fromJson(parent.manifest().interfaceData().path("image"), parent.toString());
    FeatureCache.imageFeature(dataset.split("train"));
    if (dataset.classes().size() < 2) {
      throw new GuildException(dataset + ": its manifest lists " + dataset.classes().size()
          + " classes; a classifier needs at least two");
    }
    return image;
  }

  /**
   * Extracts (or reuses) the features, trains the head into a new run folder, scores it on the
   * test split and exports the combined image model into the run's {@code model/}.
   *
   * @param listeners told of each training step; the run's TensorBoard writer is added
   * @throws GuildException in one line for a parent without {@code features}, a dataset without
   *     images, a bad flag
   */
  public static RunFolder start(Request req, List<TrainingListener> listeners) {
    Flags flags = Flags.resolve(FLAGS, req.flagValues());
    GuildPackage parent = req.parent();
    ImageInterface image = check(parent, req.dataset());
    Dataset ds = req.dataset();
    Split train = ds.split("train");
    List<String> classes = ds.classes();
    Optional<Split> test = ds.splits().containsKey("test") ? Optional.of(ds.split("test")) : Optional.empty();
    String parentDigest = FeatureCache.folderDigest(parent.path());
    String datasetDigest = FeatureCache.folderDigest(ds.folder());
    FeatureRecipe recipe = FeatureRecipe.of(flags.get("features"));
    // The pooled recipe's caches keep the key they had before there were recipes.
    String parentKey = FeatureCache.key(parent.name().value(), parent.version().value(), parentDigest)
        + (recipe == FeatureRecipe.POOLED ? "" : "-" + recipe.id());
    boolean mirror = flags.getBool("mirror");
    boolean mirrorTrain = flags.getBool("mirror_train");
    String datasetKey = FeatureCache.key(req.datasetRef().name(), req.datasetRef().version(), datasetDigest);
    FeatureCache cache = new FeatureCache(req.cacheFolder());
    FeatureCache.Features trainF;
    Optional<FeatureCache.Features> testF;
    Optional<FeatureCache.Features> testMirrored = Optional.empty();
    long extractStart = System.nanoTime();
    long trainLimit = flags.getInt("train_examples", 0);
    // `guild cache clean --all` leaves a parent and dataset's features alone while this is held.
    org.guildpkg.io.PathLock cacheLock = org.guildpkg.store.HomeCache.featuresLock(
        cache.folder(parentKey, datasetKey, "train").getParent());
    if (!cacheLock.tryAcquire()) {
      LOG.info("waiting for another run computing the same features ({})", cacheLock.file());
      cacheLock.acquire();
    }
    try (FeatureExtractor fx = FeatureExtractor.load(parent.path(), parent.toString(), recipe)) {
      if ((mirror || mirrorTrain) && !fx.mirrors()) {
        LOG.warn("{} has no 'images' signature to feed mirror images to; going on without them", parent);
        mirror = false;
        mirrorTrain = false;
      }
      // The test split first: it is the smaller, and a stopped train extraction goes on later.
      testF = test.map(s -> cache.get(parentKey, datasetKey, s, 0, fx, req.progress()));
      if (mirror) {
        testMirrored = test.map(s -> cache.get(parentKey, datasetKey, s, 0, true, fx, req.progress()));
      }
      trainF = cache.get(parentKey, datasetKey, train, trainLimit, fx, req.progress());
      if (mirrorTrain) {
        trainF = withMirrored(trainF, cache.get(parentKey, datasetKey, train, trainLimit, true, fx, req.progress()));
      }
    } finally {
      cacheLock.release();
    }
    double extractSeconds = (System.nanoTime() - extractStart) / 1e9;
    long extractedImages = trainF.extracted() + testF.map(FeatureCache.Features::extracted).orElse(0)
        + testMirrored.map(FeatureCache.Features::extracted).orElse(0);
    boolean mirrored = mirror;

    FeatureHead head = FeatureHead.fit(trainF.values(), trainF.dim());
    InputSpec spec = new InputSpec(
        Map.of(FeatureHead.INPUT, new InputSpec.Feature("float32", List.of((long) trainF.dim()))), "label", classes);
    InMemoryExamples examples = new InMemoryExamples(spec, Map.of(FeatureHead.INPUT, trainF.values()), trainF.labels());
    int batch = flags.getInt("batch_size", 128);
    long seed = flags.getInt("seed", 1);
    try (TrainableModel model = TrainableModel.build(head, flags, spec, seed)) {
      Trainer trainer = Trainer.on(model, examples).batchSize(batch).seed(seed);
      if (req.steps().isPresent()) {
        trainer.steps(req.steps().getAsLong());
      } else {
        trainer.epochs(req.epochs().orElse(flags.getInt("epochs", 10)));
      }
      RunFolder run = RunFolder.create(req.runsDir());
      ObjectNode info = JsonNodeFactory.instance.objectNode();
      try {
        run.writeFlags(flags);
        info.put("id", run.id());
        info.put("status", "running");
        info.put("started", Instant.now().toString());
        info.put("mode", "transfer");
        PackageRef parentRef = new PackageRef(parent.name().value(), parent.version().value());
        info.set("source", parentRef.toJson());
        ObjectNode p = parentRef.toJson();
        p.put("sha256", parentDigest);
        info.set(PARENT, p);
        info.set("dataset", req.datasetRef().toJson());
        info.put("dataset_spec", req.datasetSpec());
        info.put("dataset_sha256", datasetDigest);
        ObjectNode fc = info.putObject("feature_cache");
        fc.put("train", trainF.folder().toString());
        fc.put("train_mirrored", mirrorTrain);
        fc.put("train_examples", mirrorTrain ? trainF.count() / 2 : trainF.count());
        testF.ifPresent(t -> fc.put("test", t.folder().toString()));
        testMirrored.ifPresent(t -> fc.put("test_mirrored", t.folder().toString()));
        fc.put("features", recipe.id());
        fc.put("dim", trainF.dim());
        fc.put("extracted", extractedImages);
        ArrayNode cl = info.putArray("classes");
        classes.forEach(cl::add);
        info.put("batch_size", batch);
        info.put("seed", seed);
        info.put("total_steps", trainer.totalSteps());
        info.put("steps", 0);
        info.put("checkpoint_every", req.checkpointEvery());
        run.writeInfo(info);
        trainer.checkpoints(run.checkpoints(), req.checkpointEvery());
      } catch (RuntimeException e) {
        deleteQuietly(run, e);
        throw e;
      }
      List<TrainingListener> all = new ArrayList<>(listeners);
      TrainingSummary s;
      long headStart = System.nanoTime();
      try (TensorBoardEvents events = TensorBoardEvents.create(run.path())) {
        all.add(events);
        all.add(run.checkpointRecorder(info));
        all.forEach(trainer::listener);
        s = trainer.train();
        double headSeconds = (System.nanoTime() - headStart) / 1e9;
        // The last checkpoint is the trained head the export takes its weights from.
        Path headDir = trainer.checkpoint(s.steps());
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("steps", s.steps());
        m.put("train_loss", s.meanLoss());
        m.put("examples_per_second", Math.round(s.examplesPerSecond() * 10) / 10.0);
        m.put("head_seconds", Math.round(headSeconds * 10) / 10.0);
        if (extractedImages > 0) {
          m.put("extracted_images", extractedImages);
          m.put("extraction_images_per_second", Math.round(extractedImages / extractSeconds * 10) / 10.0);
        }
        m.put("features", recipe.id());
        m.put("mirror", mirrored);
        if (testF.isPresent()) {
          double plain = accuracy(model, testF.get(), Optional.empty(), spec);
          double acc = testMirrored.isPresent() ? accuracy(model, testF.get(), testMirrored, spec) : plain;
          if (testMirrored.isPresent()) {
            m.put("accuracy_without_mirror", plain);
          }
          m.put("accuracy", acc);
          m.put("split", "test");
          m.put("examples", testF.get().count());
          events.scalar(s.steps(), "test/accuracy", (float) acc);
        }
        run.mergeMetrics(m);
        RetrainedExport.export(run.model(), parent, image, classes, head, recipe, mirrored, flags, seed, headDir,
            provenance(info));
      }
      info.put("steps", s.steps());
      info.put("status", "completed");
      info.put("finished", Instant.now().toString());
      run.writeInfo(info);
      RunPackage.write(run);
      LOG.info("retrained {} on {} into {}: {}", parent, req.datasetRef(), run, run.metrics());
      return run;
    }
  }

  /** The train features followed by their mirror images' (the extracted counts added up). */
  private static FeatureCache.Features withMirrored(FeatureCache.Features a, FeatureCache.Features b) {
    if (a.count() != b.count() || a.dim() != b.dim()) {
      throw new GuildException("internal: " + b.count() + " mirrored train images for " + a.count());
    }
    float[] values = java.util.Arrays.copyOf(a.values(), a.values().length + b.values().length);
    System.arraycopy(b.values(), 0, values, a.values().length, b.values().length);
    long[] labels = java.util.Arrays.copyOf(a.labels(), a.count() + b.count());
    System.arraycopy(b.labels(), 0, labels, a.count(), b.count());
    return new FeatureCache.Features(a.dim(), values, labels, a.folder(), a.extracted() + b.extracted());
  }

  private static ObjectNode provenance(ObjectNode info) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("format", "retrained");
    o.set(PARENT, info.get(PARENT).deepCopy());
    o.set("dataset", info.get("dataset").deepCopy());
    o.put("note", "the parent's graph with a head trained on its features by guild train");
    return o;
  }

  /**
   * The share of {@code f}'s images whose most probable class is their label; with {@code
   * mirrored} (the same images' mirror images, in the same order), of the two probabilities'
   * average, as the exported model answers.
   */
  private static double accuracy(
      TrainableModel model, FeatureCache.Features f, Optional<FeatureCache.Features> mirrored, InputSpec spec) {
    int n = f.count();
    int k = (int) model.numClasses();
    float[] p = probabilities(model, f, spec);
    if (mirrored.isPresent()) {
      if (mirrored.get().count() != n) {
        throw new GuildException("internal: " + mirrored.get().count() + " mirrored test images for " + n);
      }
      float[] q = probabilities(model, mirrored.get(), spec);
      for (int i = 0; i < p.length; i++) {
        p[i] = (p[i] + q[i]) / 2;
      }
    }
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (p[i * k + j] > p[i * k + best]) {
          best = j;
        }
      }
      correct += best == f.labels()[i] ? 1 : 0;
    }
    return correct / (double) n;
  }

  private static float[] probabilities(TrainableModel model, FeatureCache.Features f, InputSpec spec) {
    InMemoryExamples ex = new InMemoryExamples(spec, Map.of(FeatureHead.INPUT, f.values()), f.labels());
    int n = f.count();
    int k = (int) model.numClasses();
    float[] p = new float[n * k];
    for (int from = 0; from < n; from += 1000) {
      int size = Math.min(1000, n - from);
      try (TensorBatch b = ex.slice(from, size);
          Result r = model.run(TrainableModel.SERVING, b.tensors())) {
        ((TFloat32) r.get("probabilities").orElseThrow()).asRawTensor().data().asFloats().read(p, from * k, size * k);
      }
    }
    return p;
  }

  private static void deleteQuietly(RunFolder run, RuntimeException e) {
    try {
      FileOps.deleteTree(run.path());
    } catch (java.io.IOException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  /** The parent model a run was retrained from, when it is a transfer-learning run. */
  public static Optional<PackageRef> parentOf(JsonNode runInfo) {
    return PackageRef.fromJson(runInfo.get(PARENT));
  }
}
