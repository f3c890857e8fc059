package org.guildpkg.tf.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.guildpkg.GuildException;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.DataType;

/**
 * A TensorFlow SavedModel loaded in this JVM, whose signatures can be called with named tensors or
 * Java arrays; a model package's view ({@code pkg.as(SavedModel.class)}).
 *
 * <p>It loads the MetaGraph tagged {@code serve}, as TensorFlow Serving does, and lists the
 * signatures of its SignatureDefs (TF1 models have several, with the methods predict, regress and
 * classify). Calls are checked before they reach TensorFlow: an unknown signature, a missing or
 * extra input, a wrong dtype or an incompatible shape is a {@link GuildException} naming the
 * signature and the input. Calls may come from many threads at once; {@link #close()} waits for
 * running calls and frees the native model.
 *
 * <pre>{@code
 * try (SavedModel model = SavedModel.open(Path.of("half_plus_two/00000123"))) {
 *   float[][] y = model.predict(new float[][] {{1f}, {2f}, {5f}}); // {{2.5}, {3.0}, {4.5}}
 * }
 * }</pre>
 */
public final class SavedModel implements AutoCloseable {
  /** The MetaGraph tag that serving models carry. */
  public static final String SERVE_TAG = "serve";

  private final Path path;
  private final String label;
  private final SavedModelBundle bundle;
  private final Map<String, ModelSignature> signatures;
  private final Set<String> stateChanging;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;
  /**
   * Runs inside each call once it is admitted (the model is open and cannot close until the call
   * ends), before TensorFlow runs; tests set it to hold calls in flight.
   */
  volatile Runnable onCallAdmitted = () -> {};

  private SavedModel(Path path, String label, SavedModelLoading.Loaded loaded) {
    this.path = path;
    this.label = label;
    this.bundle = loaded.bundle();
    Map<String, ModelSignature> sigs = new TreeMap<>();
    loaded.signatureDefs().forEach((k, def) -> {
      // TF2's init op is exported as a signature but is run by the loader, not by callers.
      if (!k.startsWith("__")) {
        sigs.put(k, ModelSignature.of(k, def));
      }
    });
    this.signatures = Collections.unmodifiableMap(sigs);
    Map<String, org.tensorflow.proto.SignatureDef> defs = new TreeMap<>(loaded.signatureDefs());
    defs.keySet().retainAll(sigs.keySet());
    this.stateChanging = Collections.unmodifiableSet(
        SignatureEffects.stateChanging(bundle.metaGraphDef(), defs));
  }

  /**
   * Loads the SavedModel in {@code folder} (the folder that holds {@code saved_model.pb} and
   * {@code variables/}).
   *
   * @throws GuildException naming the folder when it holds no SavedModel or TensorFlow cannot load
   *     it
   */
  public static SavedModel open(Path folder) {
    return open(folder, folder.toString());
  }

  /** Loads a SavedModel whose errors name it {@code label} (a package name and version). */
  static SavedModel open(Path folder, String label) {
    Path dir = folder.toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new GuildException(
          "no SavedModel in " + dir + ": saved_model.pb is missing"
              + (Files.isRegularFile(dir.resolve("saved_model.pbtxt"))
                  ? " (saved_model.pbtxt is not supported; export a binary SavedModel)"
                  : ""));
    }
    return new SavedModel(dir, label, SavedModelLoading.load(dir));
  }

  /** The folder the model was loaded from. */
  public Path path() {
    return path;
  }

  /** The model's signatures, sorted by key. */
  public List<ModelSignature> signatures() {
    return List.copyOf(signatures.values());
  }

  /** The signature with {@code key}, if the model has it. */
  public Optional<ModelSignature> signature(String key) {
    return Optional.ofNullable(signatures.get(key));
  }

  /**
   * Whether calling the signature {@code key} changes the model's state: its graph writes a
   * variable or a table ({@code Assign}, {@code AssignVariableOp}, {@code ApplyAdam}, ...), or it is
   * the model interface's {@code train}. Servers do not serve such a signature unless told to.
   */
  public boolean changesState(String key) {
    return stateChanging.contains(key);
  }

  /** The keys of the signatures whose call changes the model's state (see {@link #changesState}). */
  public Set<String> stateChangingSignatures() {
    return stateChanging;
  }

  /**
   * Calls a signature with named tensors and returns its outputs, which the caller closes. The
   * inputs stay the caller's to close.
   *
   * @throws GuildException for an unknown signature, a missing or extra input, a wrong dtype or an
   *     incompatible shape (checked before TensorFlow runs), or when TensorFlow fails
   */
  public ModelResult call(String signatureKey, Map<String, ? extends Tensor> inputs) {
    return call(signatureKey, inputs, ShapeCheck.BATCH_FREE);
  }

  /**
   * How {@link #call(String, Map, ShapeCheck)} checks the shapes of inputs against the signature
   * before TensorFlow runs (names and dtypes are always checked).
   */
  public enum ShapeCheck {
    /** The rank and every known dimension but dimension 0 (the batch) must match. */
    BATCH_FREE,
    /**
     * Any shape that broadcasts to the signature's, as TensorFlow Serving passes it on: aligned
     * from the right, each dimension equals the signature's, or one of the two is 1 or unknown, and
     * the rank is at most the signature's ({@code [3]} and {@code [2, 2]} both fit {@code [-1, 1]}).
     */
    BROADCAST
  }

  /**
   * Calls a signature with named tensors, checking shapes as {@code shapes} says, and returns its
   * outputs, which the caller closes; see {@link #call(String, Map)}.
   *
   * @throws GuildException as {@link #call(String, Map)} does
   */
  public ModelResult call(
      String signatureKey, Map<String, ? extends Tensor> inputs, ShapeCheck shapes) {
    ModelSignature sig = require(signatureKey);
    check(sig, inputs, shapes);
    Lock read = lock.readLock();
    read.lock();
    try {
      if (closed) {
        throw new GuildException("SavedModel " + label + " is closed; open it again to call it");
      }
      onCallAdmitted.run();
      Session.Runner runner = bundle.session().runner();
      inputs.forEach((name, t) -> runner.feed(sig.inputs().get(name).tensorName(), t));
      List<String> names = new ArrayList<>(sig.outputs().keySet());
      for (String n : names) {
        runner.fetch(sig.outputs().get(n).tensorName());
      }
      Result result = runner.run();
      return new ModelResult(sig.key(), names, result);
    } catch (TensorFlowException | IllegalArgumentException | IllegalStateException e) {
      throw new GuildException(
          "signature '" + sig.key() + "' of SavedModel " + label + " failed: "
              + firstLine(e.getMessage()), e);
    } finally {
      read.unlock();
    }
  }

  /**
   * Calls a signature with Java values, turned into tensors for the call and freed after it:
   * {@code float[][]}, {@code float[]}, {@code Float} (float32), {@code long[][]}, {@code long[]},
   * {@code Long} (int64), {@code int[][]}, {@code int[]} (int32), {@code byte[][]} (a vector of byte
   * strings, such as serialized {@code tf.Example}s), {@code String[]} (a vector of UTF-8 strings),
   * or a {@link Tensor} (left open).
   *
   * @throws GuildException as {@link #call(String, Map)} does, or for a value of another type
   */
  public ModelResult callArrays(String signatureKey, Map<String, ?> inputs) {
    ModelSignature sig = require(signatureKey);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    List<Tensor> owned = new ArrayList<>();
    try {
      inputs.forEach((name, value) -> {
        if (value instanceof Tensor t) {
          tensors.put(name, t);
        } else {
          Tensor t = JavaTensors.of(value, () -> where(sig, name));
          owned.add(t);
          tensors.put(name, t);
        }
      });
      return call(signatureKey, tensors);
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /** Calls a signature with one float32 input given as a matrix (rows are the batch). */
  public ModelResult call(String signatureKey, String input, float[][] values) {
    return callArrays(signatureKey, Map.of(input, values));
  }

  /** Calls a signature with one int64 input given as a matrix (rows are the batch). */
  public ModelResult call(String signatureKey, String input, long[][] values) {
    return callArrays(signatureKey, Map.of(input, values));
  }

  /** Calls a signature with one string input: a vector of byte strings (serialized Examples). */
  public ModelResult call(String signatureKey, String input, byte[][] values) {
    return callArrays(signatureKey, Map.of(input, values));
  }

  /**
   * Calls {@code serving_default}, which must have one float32 input and one float32 output, with
   * a matrix whose rows are the batch, and returns the output as a matrix.
   *
   * @throws GuildException when the model has no such signature, or it has other inputs or outputs
   */
  public float[][] predict(float[][] batch) {
    ModelSignature sig = require(ModelSignature.SERVING_DEFAULT);
    if (sig.inputs().size() != 1 || sig.outputs().size() != 1) {
      throw new GuildException(
          "signature '" + sig.key() + "' of SavedModel " + label + " has inputs "
              + sig.inputs().keySet() + " and outputs " + sig.outputs().keySet()
              + "; predict(float[][]) needs one of each: use call(...) with named inputs");
    }
    String in = sig.inputs().keySet().iterator().next();
    String out = sig.outputs().keySet().iterator().next();
    try (ModelResult r = call(sig.key(), in, batch)) {
      return r.floatMatrix(out);
    }
  }

  /** Frees the native model after the calls that are running end; later calls fail. */
  @Override
  public void close() {
    Lock write = lock.writeLock();
    write.lock();
    try {
      if (!closed) {
        closed = true;
        bundle.close();
      }
    } finally {
      write.unlock();
    }
  }

  @Override
  public String toString() {
    return "SavedModel " + label;
  }

  private ModelSignature require(String key) {
    ModelSignature sig = signatures.get(key);
    if (sig == null) {
      throw new GuildException(
          "SavedModel " + label + " has no signature '" + key + "'; its signatures: "
              + String.join(", ", signatures.keySet()));
    }
    return sig;
  }

  private void check(ModelSignature sig, Map<String, ? extends Tensor> inputs, ShapeCheck shapes) {
    for (String name : inputs.keySet()) {
      if (!sig.inputs().containsKey(name)) {
        throw new GuildException(
            where(sig, name) + ": no such input; the signature's inputs: " + inputNames(sig));
      }
    }
    for (Map.Entry<String, TensorSpec> e : sig.inputs().entrySet()) {
      Tensor t = inputs.get(e.getKey());
      TensorSpec spec = e.getValue();
      if (t == null) {
        throw new GuildException(
            where(sig, e.getKey()) + ": input missing (" + spec + "); the signature's inputs: "
                + inputNames(sig));
      }
      DataType given = t.dataType();
      if (given != spec.dataType()) {
        throw new GuildException(
            where(sig, e.getKey()) + ": wrong dtype " + TensorSpec.dtypeName(given)
                + ", the signature wants " + spec.dtype());
      }
      boolean fits = shapes == ShapeCheck.BROADCAST
          ? spec.acceptsBroadcastShape(t.shape())
          : spec.acceptsShape(t.shape());
      if (!fits) {
        throw new GuildException(
            where(sig, e.getKey()) + ": shape " + t.shape()
                + " is incompatible with the signature's " + spec.shapeText()
                + (shapes == ShapeCheck.BROADCAST
                    ? " (it must broadcast to it)"
                    : " (dimension 0, the batch, may be any size)"));
      }
    }
  }

  private String where(ModelSignature sig, String input) {
    return "input '" + input + "' of signature '" + sig.key() + "' of SavedModel " + label;
  }

  private static String inputNames(ModelSignature sig) {
    return sig.inputs().isEmpty() ? "none" : String.join(", ", sig.inputs().keySet());
  }

  static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
