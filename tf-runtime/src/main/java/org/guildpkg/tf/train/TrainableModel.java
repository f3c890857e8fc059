package org.guildpkg.tf.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.tf.author.Features;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.author.Layers;
import org.guildpkg.tf.author.ModelCode;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A classifier with the three signatures of the model interface ({@code serving_default},
 * {@code train}, {@code evaluate}; see {@code docs/model-interface.md}) and the session that
 * holds its variables: built fresh from {@link ModelCode}, or loaded from a trainable SavedModel
 * to continue training (a checkpoint, a model package to fine-tune).
 *
 * <pre>{@code
 * try (TrainableModel m = TrainableModel.build(new Softmax(), flags, InputSpec.fashionMnist(), 1)) {
 *   float loss = m.trainStep(batch).loss();
 *   m.export(dir);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one trainer at a time.
 */
public final class TrainableModel implements AutoCloseable {
  /** The inference signature's key. */
  public static final String SERVING = "serving_default";
  /** The training signature's key: one optimizer step per call. */
  public static final String TRAIN = "train";
  /** The evaluation signature's key. */
  public static final String EVALUATE = "evaluate";

  private static final String PREDICT = "tensorflow/serving/predict";
  /** The int64 variable counting the optimizer steps of a model built here. */
  static final String GLOBAL_STEP = "global_step";

  private final Graph graph; // owned when built, else null
  private final SavedModelBundle bundle; // owned when loaded, else null
  private final Session session;
  private final Map<String, Signature> signatures;
  private ResolvedCall trainStep;

  private TrainableModel(
      Graph graph, SavedModelBundle bundle, Session session, Map<String, Signature> signatures) {
    this.graph = graph;
    this.bundle = bundle;
    this.session = session;
    this.signatures = signatures;
  }

  /**
   * Builds a new classifier graph from model code and initialises its variables.
   *
   * @param seed seeds the initialisers and dropout, so that two builds start the same
   * @throws GuildException when the model code fails or returns logits of the wrong width
   */
  public static TrainableModel build(ModelCode code, Flags flags, InputSpec spec, long seed) {
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      Map<String, Operand<?>> inputs = new LinkedHashMap<>();
      Map<String, Operand<TFloat32>> floats = new LinkedHashMap<>();
      spec.features().forEach((name, f) -> {
        Shape shape = batchShape(f.shape());
        if (f.dtype().equals("uint8")) {
          Placeholder<TUint8> p =
              tf.withName(name).placeholder(TUint8.class, Placeholder.shape(shape));
          inputs.put(name, p);
          floats.put(name, tf.math.div(tf.dtypes.cast(p, TFloat32.class), tf.constant(255f)));
        } else {
          Placeholder<TFloat32> p =
              tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(shape));
          inputs.put(name, p);
          floats.put(name, p);
        }
      });
      Placeholder<TInt64> label =
          tf.withName(spec.label()).placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      Features features = new Features(floats);
      int classes = spec.classes().size();
      Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();

      // Steps done so far, saved with every checkpoint: the training graph's random ops draw
      // from (seed, step), so a resumed run continues the random sequence it left.
      Variable<TInt64> globalStep = tf.withName(GLOBAL_STEP).variable(tf.constant(0L));
      Operand<TFloat32> trainLogits = logits(code, new Layers(
          tf, tf.withSubScope("training"), true, flags, classes, seed, vars, globalStep), features, classes);
      Operand<TFloat32> logits =
          logits(code, new Layers(tf, tf.withSubScope("inference"), false, flags, classes, seed, vars), features, classes);

      Ops t = tf.withSubScope("training");
      Operand<TFloat32> oneHot =
          tf.oneHot(label, tf.constant(classes), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> trainLoss = meanLoss(t, trainLogits, oneHot);
      Optimizer optimizer = code.optimizer(g, flags);
      Op step = minimize(g, optimizer, trainLoss);
      // Counted after the update, which needs the forward pass that read the step.
      Op counted = tf.withControlDependencies(List.of(step)).assignAdd(globalStep, tf.constant(1L));
      Operand<TFloat32> loss =
          tf.withControlDependencies(List.of(step, counted)).withName("train_loss").identity(trainLoss);
      Operand<TFloat32> trainAccuracy = accuracy(t, trainLogits, label);

      Ops i = tf.withSubScope("inference");
      Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(logits);
      Operand<TInt64> predicted = tf.withName("classes").math.argMax(logits, tf.constant(1));
      Operand<TFloat32> evalLoss = tf.withName("eval_loss").identity(meanLoss(i, logits, oneHot));
      Operand<TFloat32> evalAccuracy = tf.withName("eval_accuracy").identity(accuracy(i, logits, label));

      Map<String, Signature> sigs = new LinkedHashMap<>();
      Signature.Builder serving = Signature.builder(SERVING).methodName(PREDICT);
      Signature.Builder train = Signature.builder(TRAIN).methodName(PREDICT);
      Signature.Builder evaluate = Signature.builder(EVALUATE).methodName(PREDICT);
      inputs.forEach((name, p) -> {
        serving.input(name, p);
        train.input(name, p);
        evaluate.input(name, p);
      });
      train.input(spec.label(), label);
      evaluate.input(spec.label(), label);
      sigs.put(SERVING, serving.output("probabilities", probabilities).output("classes", predicted).build());
      sigs.put(TRAIN, train.output("loss", loss).output("accuracy", trainAccuracy).build());
      sigs.put(
          EVALUATE,
          evaluate.output("loss", evalLoss).output("accuracy", evalAccuracy)
              .output("classes", predicted).build());
      Session s = new Session(g);
      try {
        s.initialize();
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
      return new TrainableModel(g, null, s, sigs);
    } catch (RuntimeException e) {
      g.close();
      if (e instanceof GuildException) {
        throw e;
      }
      throw new GuildException("the model code failed to build its graph: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a SavedModel of the model interface to evaluate it or, when it has a {@code train}
   * signature, to go on training it.
   *
   * @throws GuildException when the folder holds no SavedModel or it lacks a signature
   */
  public static TrainableModel load(Path dir) {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new GuildException(dir + ": no saved_model.pb here; is this a model package or run?");
    }
    SavedModelBundle b;
    try {
      b = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG);
    } catch (RuntimeException e) {
      throw new GuildException(dir + ": cannot load the SavedModel: " + e.getMessage(), e);
    }
    Map<String, Signature> sigs = new LinkedHashMap<>();
    for (Signature s : b.signatures()) {
      sigs.put(s.key(), s);
    }
    for (String need : List.of(SERVING, EVALUATE)) {
      if (!sigs.containsKey(need)) {
        b.close();
        throw new GuildException(
            dir + ": the SavedModel has no '" + need + "' signature: it is not a model of"
                + " docs/model-interface.md"
                + " (signatures: " + String.join(", ", sigs.keySet()) + ")");
      }
    }
    return new TrainableModel(null, b, b.session(), sigs);
  }

  /**
   * {@link Optimizer#minimize} over every variable but the step counter, which has no gradient
   * (minimize would ask for one of every {@code VariableV2} in the graph).
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Op minimize(Graph g, Optimizer optimizer, Operand<TFloat32> loss) {
    List<org.tensorflow.Output<?>> vars = new ArrayList<>();
    g.operations().forEachRemaining(op -> {
      if (op.type().equals(Optimizer.VARIABLE_V2) && !op.name().equals(GLOBAL_STEP)) {
        vars.add(op.output(0));
      }
    });
    org.tensorflow.Output<?>[] grads =
        g.addGradients(loss.asOutput(), vars.toArray(org.tensorflow.Output[]::new));
    List<Optimizer.GradAndVar<? extends org.tensorflow.types.family.TType>> pairs = new ArrayList<>();
    for (int i = 0; i < grads.length; i++) {
      pairs.add(new Optimizer.GradAndVar(grads[i], vars.get(i)));
    }
    return optimizer.applyGradients(pairs, optimizer.getOptimizerName() + "-minimize");
  }

  private static Shape batchShape(List<Long> dims) {
    long[] s = new long[dims.size() + 1];
    s[0] = -1;
    for (int i = 0; i < dims.size(); i++) {
      s[i + 1] = dims.get(i);
    }
    return Shape.of(s);
  }

  private static Operand<TFloat32> logits(ModelCode code, Layers net, Features f, int classes) {
    Operand<TFloat32> out = code.logits(net, f);
    Shape s = out.shape();
    if (s.numDimensions() != 2 || (s.size(1) >= 0 && s.size(1) != classes)) {
      throw new GuildException(
          code.getClass().getName() + ".logits returned shape " + s + "; it must be [-1, "
              + classes + "] (one logit per class)");
    }
    return out;
  }

  private static Operand<TFloat32> meanLoss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> oneHot) {
    return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
  }

  private static Operand<TFloat32> accuracy(Ops tf, Operand<TFloat32> logits, Operand<TInt64> label) {
    Operand<TInt64> predicted = tf.math.argMax(logits, tf.constant(1));
    return tf.math.mean(
        tf.dtypes.cast(tf.math.equal(predicted, label), TFloat32.class), tf.constant(0));
  }

  /** The signatures by key. */
  public Map<String, Signature> signatures() {
    return signatures;
  }

  /** The class names' count: the width of {@code probabilities}. */
  public long numClasses() {
    return signatures.get(SERVING).getOutputs().get("probabilities").shape.size(1);
  }

  /** The input feature names of {@code serving_default}. */
  public List<String> featureNames() {
    return new ArrayList<>(signatures.get(SERVING).inputNames());
  }

  /**
   * One optimizer step on a batch (features and label by name).
   *
   * @return the batch's loss before the step, and its accuracy when the model reports it
   */
  public StepResult trainStep(Map<String, Tensor> batch) {
    if (trainStep == null) {
      trainStep = new ResolvedCall(signatures.get(TRAIN), session.graph());
    }
    Session.Runner runner = session.runner();
    for (int i = 0; i < trainStep.inputNames.size(); i++) {
      Tensor t = batch.get(trainStep.inputNames.get(i));
      if (t == null) {
        throw new GuildException(
            "signature train needs input '" + trainStep.inputNames.get(i) + "'; given: " + batch.keySet());
      }
      runner.feed(trainStep.inputs.get(i), t);
    }
    runner.fetch(trainStep.loss);
    if (trainStep.accuracy != null) {
      runner.fetch(trainStep.accuracy);
    }
    try (Result r = runner.run()) {
      float loss = ((TFloat32) r.get(0)).getFloat();
      return new StepResult(loss,
          trainStep.accuracy == null ? Optional.empty() : Optional.of(((TFloat32) r.get(1)).getFloat()));
    }
  }

  /**
   * The train signature's graph tensors, looked up once: the training loop's hot path feeds and
   * fetches them directly instead of resolving names on every step.
   */
  private static final class ResolvedCall {
    final List<String> inputNames = new ArrayList<>();
    final List<org.tensorflow.Output<?>> inputs = new ArrayList<>();
    final org.tensorflow.Output<?> loss;
    final org.tensorflow.Output<?> accuracy;

    ResolvedCall(Signature s, Graph g) {
      s.getInputs().forEach((name, d) -> {
        inputNames.add(name);
        inputs.add(g.outputOrThrow(d.name));
      });
      Signature.TensorDescription l = s.getOutputs().get("loss");
      if (l == null) {
        throw new GuildException("the train signature has no 'loss' output");
      }
      loss = g.outputOrThrow(l.name);
      Signature.TensorDescription a = s.getOutputs().get("accuracy");
      accuracy = a == null ? null : g.outputOrThrow(a.name);
    }
  }

  /** The outcome of one training step. */
  public record StepResult(float loss, Optional<Float> accuracy) {}

  /**
   * Runs a signature on named tensors; the caller closes the result.
   *
   * @throws GuildException naming the signature's inputs when one is missing
   */
  public Result run(String signature, Map<String, Tensor> inputs) {
    Signature s = signatures.get(signature);
    if (s == null) {
      throw new GuildException("the model has no signature '" + signature + "'");
    }
    Map<String, Tensor> in = new HashMap<>();
    for (String name : s.inputNames()) {
      Tensor t = inputs.get(name);
      if (t == null) {
        throw new GuildException(
            "signature " + signature + " needs input '" + name + "'; given: " + inputs.keySet());
      }
      in.put(name, t);
    }
    return session.run(s, in);
  }

  /**
   * Writes the model with its current variables as a SavedModel into {@code dir}, which must not
   * exist; it appears whole or not at all (written next to it, then renamed).
   */
  public void export(Path dir) {
    Path abs = dir.toAbsolutePath();
    if (Files.exists(abs)) {
      throw new GuildException(abs + " exists already; export into a new folder");
    }
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(abs.getParent());
      deleteTree(tmp);
      SavedModelBundle.exporter(tmp.toString())
          .withSession(session)
          .withSignatures(signatures.values().toArray(Signature[]::new))
          .export();
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(tmp);
      } catch (IOException ignored) {
        // the export error matters more
      }
      throw new GuildException("cannot export the model to " + abs + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    org.guildpkg.io.FileOps.deleteTree(p);
  }

  @Override
  public void close() {
    if (bundle != null) {
      bundle.close();
    } else {
      session.close();
      graph.close();
    }
  }
}
