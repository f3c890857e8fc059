package org.guildpkg.tf.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.While;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Writes an image classifier as a SavedModel that takes encoded images, the way TensorFlow
 * Serving's image models do: decoding, resizing and scaling happen in the graph, so every caller
 * (Java, {@code guild predict}, REST, TensorFlow Serving after {@code guild deploy}) gets the same
 * answer for the same file.
 *
 * <p>Signatures:
 * <ul>
 *   <li>{@code serving_default}: {@code image_bytes} (string {@code [-1]}, JPEG/PNG/BMP/GIF) to
 *       {@code probabilities} (float32 {@code [-1, C]}), {@code classes} (int64 {@code [-1]}, the
 *       most probable class) and {@code class_names} (string {@code [-1]}, its name);
 *   <li>{@code images}: {@code images} (float32 {@code [-1, H, W, 3]}, 0..255 pixels already resized)
 *       to the same outputs;
 *   <li>{@code features}: {@code image_bytes} to {@code features} (float32 {@code [-1, D]}, the
 *       penultimate layer), for transfer learning.
 * </ul>
 * The folder also gets {@code assets/labels.txt} (class names, one a line, so a deployed copy can
 * still name classes) and {@value #INTERFACE_FILE} (the image interface and class names, which the
 * model inspector copies into the package's manifest).
 */
public final class ImageModelExport {
  /** The file beside the SavedModel that records its image interface and class names. */
  public static final String INTERFACE_FILE = "image-model.json";
  /** The labels asset of an exported model. */
  public static final String LABELS_ASSET = "assets/labels.txt";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The name scope of the ops this class adds around a classifier. */
  static final String SCOPE = "guild";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImageModelExport.class);

  private ImageModelExport() {}

  /** The classifier itself: scaled float images {@code [-1, H, W, 3]} in, its heads out. */
  interface Body {
    /** Adds the classifier's ops to {@code tf}'s graph. */
    Heads build(Ops tf, Operand<TFloat32> images);
  }

  /**
   * What a classifier body computes.
   *
   * @param probabilities float32 {@code [-1, C]}
   * @param features the penultimate layer, float32 {@code [-1, D]}, or null when unknown
   * @param graph the graph the heads live in when the body built a new one (which the exporter then
   *     closes), or null when they are in the graph the body was given
   */
  record Heads(Operand<TFloat32> probabilities, Operand<TFloat32> features, Graph graph) {
    Heads(Operand<TFloat32> probabilities, Operand<TFloat32> features) {
      this(probabilities, features, null);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends org.tensorflow.types.family.TType> Operand<T> output(Graph g, String name) {
    return (Operand<T>) g.operation(name).output(0);
  }

  /**
   * Builds the graph and exports it into {@code dir}, which must not exist (it appears whole or not
   * at all).
   */
  static void export(Path dir, ImageInterface image, List<String> classes, Body body, ObjectNode provenance) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs) && !isEmptyDir(abs)) {
      throw new GuildException(abs + " exists and is not empty; import into a new or empty folder");
    }
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try (Graph g = new Graph()) {
      Ops root = Ops.create(g);
      Ops tf = root.withSubScope(SCOPE);
      Placeholder<TString> bytes = root.withName(ImageInterface.IMAGE_BYTES)
          .placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> decoded = decodeAll(tf, bytes, image);
      Operand<TFloat32> pixels = root.withName("images")
          .placeholderWithDefault(decoded, Shape.of(-1, image.height(), image.width(), 3));
      Operand<TFloat32> scaled = tf.math.div(
          tf.math.sub(pixels, tf.constant((float) image.mean())), tf.constant((float) image.std()));
      LOG.debug("preprocessing built");
      Heads heads = body.build(root, scaled);
      LOG.debug("classifier built");
      Graph graph = heads.graph() != null ? heads.graph() : g;
      try {
        // A body may have rebuilt the graph (a GraphDef import merges its nodes with ours): find
        // the inputs by name, and add the outputs in a scope of their own.
        Ops out = Ops.create(graph).withSubScope(SCOPE + "_out");
        Operand<TString> in = output(graph, ImageInterface.IMAGE_BYTES);
        Operand<TFloat32> images = output(graph, "images");
        Operand<TFloat32> probabilities = out.withName("probabilities").identity(heads.probabilities());
        Operand<TInt64> top = out.withName("classes").math.argMax(probabilities, out.constant(1), TInt64.class);
        Operand<TString> names = out.withName("class_names").gather(
            out.constant(StandardCharsets.UTF_8, classes.toArray(String[]::new)), top, out.constant(0));
        List<Signature> sigs = new ArrayList<>();
        sigs.add(Signature.builder().key(Signature.DEFAULT_KEY).methodName("tensorflow/serving/predict")
            .input(ImageInterface.IMAGE_BYTES, in)
            .output("probabilities", probabilities).output("classes", top).output("class_names", names).build());
        sigs.add(Signature.builder().key("images").methodName("tensorflow/serving/predict")
            .input("images", images)
            .output("probabilities", probabilities).output("classes", top).output("class_names", names).build());
        if (heads.features() != null) {
          Operand<TFloat32> features = out.withName("features").identity(heads.features());
          sigs.add(Signature.builder().key("features").methodName("tensorflow/serving/predict")
              .input(ImageInterface.IMAGE_BYTES, in).output("features", features).build());
        }
        Files.createDirectories(abs.getParent());
        deleteTree(tmp);
        try (Session s = new Session(graph)) {
          SavedModelBundle.exporter(tmp.toString()).withSession(s)
              .withSignatures(sigs.toArray(Signature[]::new)).export();
        }
      } finally {
        if (graph != g) {
          graph.close();
        }
      }
      LOG.debug("SavedModel exported");
      Path labels = tmp.resolve(LABELS_ASSET);
      Files.createDirectories(labels.getParent());
      Files.writeString(labels, String.join("\n", classes) + "\n", StandardCharsets.UTF_8);
      ObjectNode info = JSON.createObjectNode();
      info.set("image", image.toJson());
      info.set("classes", JSON.valueToTree(classes));
      if (provenance != null) {
        info.set("imported_from", provenance);
      }
      Files.writeString(tmp.resolve(INTERFACE_FILE), JSON.writeValueAsString(info) + "\n", StandardCharsets.UTF_8);
      if (Files.exists(abs)) {
        Files.delete(abs);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(tmp);
      } catch (IOException ignored) {
        // the export error matters more
      }
      if (e instanceof GuildException ge) {
        throw ge;
      }
      throw new GuildException("cannot write the SavedModel to " + abs + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes each encoded image of {@code bytes} to RGB and resizes the whole of it bilinearly to the
   * model's size: a While loop over the batch, as {@code tf.map_fn} would build, since DecodeImage
   * takes one image at a time. Pixels stay 0..255.
   */
  private static Operand<TFloat32> decodeAll(Ops tf, Operand<TString> bytes, ImageInterface image) {
    int h = image.height();
    int w = image.width();
    ConcreteFunction cond = ConcreteFunction.create(f -> {
      Placeholder<TInt32> i = f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TInt32> n = f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TString> b = f.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> acc = f.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h, w, 3)));
      return Signature.builder().input("i", i).input("n", n).input("b", b).input("acc", acc)
          .output("more", f.math.less(i, n)).build();
    });
    ConcreteFunction step = ConcreteFunction.create(f -> {
      Placeholder<TInt32> i = f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TInt32> n = f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TString> b = f.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> acc = f.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h, w, 3)));
      Operand<TString> one = f.gather(b, i, f.constant(0));
      Operand<TFloat32> rgb = f.dtypes.cast(
          f.image.decodeImage(one, new DecodeImage.Options[] {DecodeImage.channels(3L), DecodeImage.expandAnimations(false)}), TFloat32.class);
      Operand<TFloat32> resized = f.image.resizeBilinear(f.expandDims(rgb, f.constant(0)),
          f.constant(new int[] {h, w}), ResizeBilinear.halfPixelCenters(true));
      return Signature.builder().input("i", i).input("n", n).input("b", b).input("acc", acc)
          .output("i", f.math.add(i, f.constant(1))).output("n", f.identity(n)).output("b", f.identity(b))
          .output("acc", f.concat(List.of(acc, resized), f.constant(0))).build();
    });
    try (cond; step) {
      Operand<TInt32> n = tf.size(bytes);
      Operand<TFloat32> empty = tf.zeros(tf.constant(new int[] {0, h, w, 3}), TFloat32.class);
      While loop = tf.whileOp(List.of(tf.constant(0), n, bytes, empty), cond, step,
          While.outputShapes(Shape.scalar(), Shape.scalar(), Shape.of(-1), Shape.of(-1, h, w, 3)));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> out = (Operand<TFloat32>) (Operand<?>) loop.output().get(3);
      return tf.ensureShape(out, Shape.of(-1, h, w, 3));
    }
  }

  private static boolean isEmptyDir(Path p) {
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
