package org.guildpkg.tf.classify;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.tf.model.ModelResult;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.model.TensorSpec;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Classifies examples with a model's {@code serving_default} signature and names the classes: the
 * one piece of code behind the example app, the notebook and the model assertions.
 *
 * <p>The model follows the model interface (docs/model-interface.md): {@code serving_default}
 * gives {@code classes} (int64, one per example) and usually {@code probabilities} (float32
 * {@code [-1, C]}); a model whose only output is a float32 {@code [-1, C]} matrix is read by
 * taking each row's largest value. Class names come from the model package's manifest
 * ({@code "classes"}, copied from the dataset it was trained on) or from {@link #withClasses}.
 *
 * <pre>{@code
 * try (SavedModel model = GuildPackages.load("fashion-mnist-convnet+fashion-mnist").as(SavedModel.class)) {
 *   Prediction p = Classifier.of(model).classify(image);   // image: 784 uint8 pixels
 *   System.out.println(p.label());                          // "Ankle boot"
 * }
 * }</pre>
 *
 * <p>Image classifiers imported with {@code guild model import} take encoded images (JPEG, PNG,
 * BMP, GIF) in their {@code image_bytes} input and decode, resize and scale them in their graph, as
 * their package's image interface says; {@link #classifyImage(Path)} and its siblings feed them,
 * and {@link #top(Prediction, int)} names the K most probable classes:
 *
 * <pre>{@code
 * try (SavedModel model = GuildPackages.load("mobilenet-v2+ilsvrc2012").as(SavedModel.class)) {
 *   Classifier c = Classifier.of(model);
 *   c.top(c.classifyImage(Path.of("grace_hopper.bmp")), 5); // [military uniform (0.910), ...]
 * }
 * }</pre>
 *
 * <p>It does not own the model: close the model, not the classifier. Thread-safe.
 */
public final class Classifier {
  private final SavedModel model;
  private final ModelSignature signature;
  private final List<String> classes;

  private Classifier(SavedModel model, List<String> classes) {
    this.model = model;
    this.signature = model.signature(ModelSignature.SERVING_DEFAULT).orElseThrow(() -> new GuildException(
        model + " has no signature '" + ModelSignature.SERVING_DEFAULT + "' to classify with; its signatures: "
            + model.signatures().stream().map(ModelSignature::key).toList()));
    this.classes = List.copyOf(classes);
  }

  /**
   * A classifier over {@code model}, naming classes as the model package's manifest does (no names
   * when the model's folder has no manifest: labels are then the class indexes).
   *
   * @throws GuildException when the model has no {@code serving_default} signature
   */
  public static Classifier of(SavedModel model) {
    return new Classifier(model, classesOf(model.path()));
  }

  /** A copy that names the classes {@code classes} (index = label value). */
  public Classifier withClasses(List<String> classes) {
    return new Classifier(model, classes);
  }

  /** The signature input that takes encoded images. */
  static final String IMAGE_BYTES = "image_bytes";

  /**
   * Whether the model takes encoded images: its {@code serving_default} has a string input {@code
   * image_bytes}.
   */
  public boolean takesImages() {
    TensorSpec spec = signature.inputs().get(IMAGE_BYTES);
    return spec != null && spec.dataType() == DataType.DT_STRING;
  }

  /**
   * Classifies one encoded image (JPEG, PNG, BMP or GIF file contents).
   *
   * @throws GuildException when the model does not take encoded images, or the bytes are not an
   *     image it can decode
   */
  public Prediction classifyImage(byte[] encoded) {
    return classifyImages(List.of(encoded)).get(0);
  }

  /**
   * Classifies the image in {@code file}.
   *
   * @throws GuildException naming the file when it cannot be read or is not an image
   */
  public Prediction classifyImage(Path file) {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new GuildException("cannot read image " + file + ": " + GuildException.reason(e), e);
    }
    try {
      return classifyImage(b);
    } catch (GuildException e) {
      throw new GuildException(file + ": " + e.getMessage(), e);
    }
  }

  /** Classifies an image held in memory (sent to the model as a lossless PNG). */
  public Prediction classifyImage(BufferedImage image) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      if (!javax.imageio.ImageIO.write(image, "png", png)) {
        throw new GuildException("cannot encode the BufferedImage (type " + image.getType() + ") as PNG");
      }
    } catch (IOException e) {
      throw new GuildException("cannot encode the BufferedImage as PNG: " + e.getMessage(), e);
    }
    return classifyImage(png.toByteArray());
  }

  /**
   * Classifies a batch of encoded images in one call of the model.
   *
   * @throws GuildException naming the first image (by its position) that is not an image the
   *     model can decode
   */
  public List<Prediction> classifyImages(List<byte[]> encoded) {
    if (!takesImages()) {
      throw new GuildException(
          "signature '" + signature.key() + "' of " + model + " has inputs " + signature.inputs().keySet()
              + ", not an '" + IMAGE_BYTES + "' string input; it does not take encoded images");
    }
    if (signature.inputs().size() != 1) {
      throw new GuildException("signature '" + signature.key() + "' of " + model + " has inputs "
          + signature.inputs().keySet() + "; give a map of named tensors to classify(Map)");
    }
    if (encoded.isEmpty()) {
      return List.of();
    }
    for (int i = 0; i < encoded.size(); i++) {
      String problem = imageProblem(encoded.get(i));
      if (problem != null) {
        throw new GuildException((encoded.size() > 1 ? "image " + i + ": " : "") + problem);
      }
    }
    byte[][] all = encoded.toArray(byte[][]::new);
    try (TString t = TString.tensorOfBytes(org.tensorflow.ndarray.NdArrays.vectorOfObjects(all))) {
      return classify(Map.of(IMAGE_BYTES, t));
    } catch (GuildException e) {
      if (encoded.size() > 1) {
        // Say which image TensorFlow could not decode.
        for (int i = 0; i < encoded.size(); i++) {
          try {
            classifyImage(encoded.get(i));
          } catch (GuildException one) {
            throw new GuildException("image " + i + ": " + one.getMessage(), one);
          }
        }
      }
      throw new GuildException("not an image the model can decode (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Why {@code b} is not a JPEG, PNG, BMP or GIF file, or null when its first bytes say it is one;
   * the graph's decoder still checks the rest.
   */
  static String imageProblem(byte[] b) {
    if (b.length == 0) {
      return "empty file, not an image";
    }
    boolean jpeg = b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8;
    boolean png = b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    boolean bmp = b.length > 26 && b[0] == 'B' && b[1] == 'M';
    boolean gif = b.length > 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8';
    return jpeg || png || bmp || gif ? null : "not a JPEG, PNG, BMP or GIF image (its first bytes are none of theirs)";
  }

  /**
   * The {@code k} most probable classes of a prediction, highest first.
   *
   * @throws GuildException when the model gives no probabilities
   */
  public List<ClassProbability> top(Prediction prediction, int k) {
    if (k < 1) {
      throw new GuildException("top K needs K >= 1, not " + k);
    }
    float[] p = prediction.probabilities().orElseThrow(() -> new GuildException(
        "signature '" + signature.key() + "' of " + model + " gives no 'probabilities' to rank classes by"));
    List<ClassProbability> all = new ArrayList<>(p.length);
    for (int i = 0; i < p.length; i++) {
      all.add(new ClassProbability(i, label(i), p[i]));
    }
    all.sort(Comparator.comparingDouble(ClassProbability::probability).reversed()
        .thenComparingInt(ClassProbability::index));
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }

  /** The class names, index = label value; empty when the model's package names none. */
  public List<String> classes() {
    return classes;
  }

  /** The model this classifier calls. */
  public SavedModel model() {
    return model;
  }

  /** The name of class {@code index}, or the index as text when the classes are not named. */
  public String label(int index) {
    return index >= 0 && index < classes.size() ? classes.get(index) : Integer.toString(index);
  }

  /**
   * Classifies one example given as the raw values of the signature's only input (uint8 pixels
   * for a uint8 input, such as a Fashion-MNIST image's 784 bytes).
   *
   * @throws GuildException when the signature has several inputs, the input is not uint8, or the
   *     value count does not fit its shape
   */
  public Prediction classify(byte[] example) {
    return classifyBatch(new byte[][] {example}).get(0);
  }

  /** Classifies one example given as the float values of the signature's only (float32) input. */
  public Prediction classify(float[] example) {
    TensorSpec spec = onlyInput(DataType.DT_FLOAT, "float[]");
    try (TFloat32 t = TFloat32.tensorOf(batchShape(spec, 1, example.length), DataBuffers.of(example, true, false))) {
      return classify(Map.of(inputName(), t)).get(0);
    }
  }

  /** Classifies a batch of examples, each the raw uint8 values of the signature's only input. */
  public List<Prediction> classifyBatch(byte[][] examples) {
    TensorSpec spec = onlyInput(DataType.DT_UINT8, "byte[]");
    if (examples.length == 0) {
      return List.of();
    }
    int per = examples[0].length;
    byte[] all = new byte[Math.multiplyExact(per, examples.length)];
    for (int i = 0; i < examples.length; i++) {
      if (examples[i].length != per) {
        throw new GuildException("example " + i + " has " + examples[i].length + " values, example 0 has " + per);
      }
      System.arraycopy(examples[i], 0, all, i * per, per);
    }
    try (TUint8 t = TUint8.tensorOf(batchShape(spec, examples.length, per), DataBuffers.of(all, true, false))) {
      return classify(Map.of(inputName(), t));
    }
  }

  /**
   * Classifies a batch of named tensors, such as a dataset {@code Batch}'s {@code tensors()}; the
   * ones the signature does not take (the label) are left out. The tensors stay the caller's.
   */
  public List<Prediction> classify(Map<String, ? extends Tensor> features) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (String name : signature.inputs().keySet()) {
      Tensor t = features.get(name);
      if (t == null) {
        throw new GuildException(
            "signature '" + signature.key() + "' of " + model + " needs input '" + name
                + "'; the batch has " + features.keySet());
      }
      inputs.put(name, t);
    }
    try (ModelResult r = model.call(signature.key(), inputs)) {
      return predictions(r);
    }
  }

  private List<Prediction> predictions(ModelResult r) {
    List<String> outs = r.names();
    float[][] probs = null;
    long[] indexes = null;
    if (outs.contains("probabilities")) {
      probs = rows(r, "probabilities");
    }
    if (outs.contains("classes")) {
      indexes = r.longs("classes");
    } else if (probs == null && outs.size() == 1) {
      probs = rows(r, outs.get(0));
    }
    if (indexes == null && probs == null) {
      throw new GuildException(
          "signature '" + signature.key() + "' of " + model + " has outputs " + outs
              + "; a classifier needs 'classes' (int64) or 'probabilities' (float32 [-1, C])");
    }
    int n = indexes != null ? indexes.length : probs.length;
    List<Prediction> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = indexes != null ? Math.toIntExact(indexes[i]) : argmax(probs[i]);
      out.add(new Prediction(index, label(index), Optional.ofNullable(probs == null ? null : probs[i])));
    }
    return out;
  }

  private static float[][] rows(ModelResult r, String name) {
    Tensor t = r.get(name);
    Shape s = t.shape();
    if (s.numDimensions() != 2) {
      throw new GuildException("output '" + name + "' has shape " + s + "; a classifier needs [-1, C]");
    }
    return r.floatMatrix(name);
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }

  private String inputName() {
    return signature.inputs().keySet().iterator().next();
  }

  private TensorSpec onlyInput(DataType type, String javaType) {
    if (signature.inputs().size() != 1) {
      throw new GuildException(
          "signature '" + signature.key() + "' of " + model + " has inputs " + signature.inputs().keySet()
              + "; give a map of named tensors to classify(Map)");
    }
    TensorSpec spec = signature.inputs().values().iterator().next();
    if (spec.dataType() != type) {
      throw new GuildException(
          "input '" + inputName() + "' of signature '" + signature.key() + "' of " + model + " is "
              + spec + "; a " + javaType + " example fits a " + (type == DataType.DT_UINT8 ? "uint8" : "float32")
              + " input");
    }
    return spec;
  }

  /** [n, dims...] from the spec, with the example's unknown dimension (at most one) filled in. */
  private Shape batchShape(TensorSpec spec, int n, int values) {
    if (spec.unknownRank() || spec.dims().isEmpty()) {
      return Shape.of(n, values);
    }
    long[] dims = spec.dims().stream().mapToLong(Long::longValue).toArray();
    dims[0] = n;
    long known = 1;
    int unknownAt = -1;
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 0) {
        if (unknownAt >= 0) {
          throw new GuildException("input '" + inputName() + "' has shape " + spec.shapeText()
              + " with several unknown dimensions; give a tensor to classify(Map)");
        }
        unknownAt = i;
      } else {
        known *= dims[i];
      }
    }
    if (unknownAt >= 0 && known > 0 && values % known == 0) {
      dims[unknownAt] = values / known;
      known = values;
    }
    if (known != values) {
      throw new GuildException(
          "an example of " + values + " values does not fit input '" + inputName() + "' of shape "
              + spec.shapeText() + " (" + known + " values per example)");
    }
    return Shape.of(dims);
  }

  /**
   * The {@code classes} of the manifest in a model package's folder; without a manifest (a
   * deployed copy), the lines of the SavedModel's {@code assets/labels.txt}; empty without either.
   */
  static List<String> classesOf(Path folder) {
    List<String> out = new ArrayList<>();
    boolean manifest = GuildPackage.tryOpen(folder).map(p -> {
      p.manifest().interfaceData().path("classes").forEach(c -> out.add(c.asText()));
      return true;
    }).orElse(false);
    Path labels = folder.resolve("assets").resolve("labels.txt");
    if (!manifest && Files.isRegularFile(labels)) {
      try {
        return Files.readAllLines(labels, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).toList();
      } catch (IOException e) {
        throw new GuildException("cannot read " + labels + ": " + GuildException.reason(e), e);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Classifier[" + model + ", " + classes.size() + " classes]";
  }
}
