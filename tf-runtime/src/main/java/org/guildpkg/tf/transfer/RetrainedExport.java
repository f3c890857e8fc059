package org.guildpkg.tf.transfer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.io.FileOps;
import org.guildpkg.tf.author.Features;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.author.Layers;
import org.guildpkg.tf.imports.ImageInterface;
import org.guildpkg.tf.imports.ImageModelExport;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Writes a retrained image model: the parent's frozen graph imported under the prefix {@value
 * #PREFIX}, the trained head on its features as the {@link FeatureRecipe} takes them (its weights
 * as variables, saved as {@code VariableV2}), and the parent's signatures with the new classes:
 * {@code serving_default}
 * ({@code image_bytes} to {@code probabilities}, {@code classes}, {@code class_names}), {@code
 * images} and {@code features}; beside it {@code assets/labels.txt} and {@code image-model.json}
 * with the parent's image interface, the new class names and where the model came from.
 *
 * <p>With {@code mirror}, the parent's graph is rewired before it is imported so that its network
 * sees each image and its mirror image (the decoded pixels, reversed left to right, concatenated
 * along the batch), and the model answers with the average of the two probabilities: what the
 * test score of the run measured.
 */
final class RetrainedExport {
  /** The name scope of the parent's graph in the retrained model. */
  static final String PREFIX = "parent";
  private static final String PREDICT = "tensorflow/serving/predict";

  private RetrainedExport() {}

  static void export(
      Path dir, GuildPackage parent, ImageInterface image, List<String> classes, FeatureHead head,
      FeatureRecipe recipe, boolean mirror, Flags flags, long seed, Path trainedHead, ObjectNode provenance) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      throw new GuildException(abs + " exists already; export into a new folder");
    }
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try (SavedModelBundle p = SavedModelBundle.load(parent.path().toString(), SavedModelBundle.DEFAULT_TAG);
        SavedModelBundle h = SavedModelBundle.load(trainedHead.toString(), SavedModelBundle.DEFAULT_TAG);
        Graph g = new Graph()) {
      Map<String, Signature> ps = new LinkedHashMap<>();
      p.signatures().forEach(s -> ps.put(s.key(), s));
      for (Iterator<GraphOperation> it = p.graph().operations(); it.hasNext(); ) {
        String type = it.next().type();
        if (type.equals("VariableV2") || type.equals("VarHandleOp")) {
          throw new GuildException(parent + " has variables in its graph; only a frozen image model (as 'guild model import' writes) can be retrained");
        }
      }
      Signature imagesSig = ps.get("images");
      GraphDef parentGraph = p.graph().toGraphDef();
      if (mirror) {
        if (imagesSig == null) {
          throw new GuildException(parent + " has no 'images' signature; retrain it with --flag mirror=false");
        }
        parentGraph = mirrored(parentGraph, imagesSig.getInputs().get("images").name);
      }
      g.importGraphDef(parentGraph, PREFIX);
      Ops tf = Ops.create(g);
      Operand<TString> bytes = output(g, ps.get(FeatureExtractor.SIGNATURE).getInputs().get(ImageInterface.IMAGE_BYTES).name);
      Output<?> parentFeatures = g.outputOrThrow(PREFIX + "/" + ps.get(FeatureExtractor.SIGNATURE).getOutputs().get(FeatureExtractor.SIGNATURE).name);
      Operand<TFloat32> features = recipe.build(tf.withSubScope("guild_transfer"), parentFeatures, parent.toString());
      Operand<TFloat32> images = imagesSig == null ? null : output(g, imagesSig.getInputs().get("images").name);

      Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
      Layers net = new Layers(tf, tf.withSubScope("head"), false, flags, classes.size(), seed, vars);
      Operand<TFloat32> logits = head.logits(net, new Features(Map.of(FeatureHead.INPUT, features)));
      Ops out = tf.withSubScope("guild_out");
      Operand<TFloat32> probabilities;
      if (mirror) {
        // Rows [0, n) are the images, [n, 2n) their mirror images.
        Operand<TFloat32> both = tf.withSubScope("guild_mirror").nn.softmax(logits);
        probabilities = out.withName("probabilities").math.mean(
            tf.reshape(both, tf.constant(new long[] {2, -1, classes.size()})), tf.constant(0));
        long d = features.shape().size(1);
        features = tf.gather(tf.reshape(features, tf.constant(new long[] {2, -1, d})), tf.constant(0), tf.constant(0));
      } else {
        probabilities = out.withName("probabilities").nn.softmax(logits);
      }
      Operand<TInt64> top = out.withName("classes").math.argMax(probabilities, out.constant(1), TInt64.class);
      Operand<TString> names = out.withName("class_names").gather(
          out.constant(StandardCharsets.UTF_8, classes.toArray(String[]::new)), top, out.constant(0));
      Operand<TFloat32> feats = out.withName("features").identity(features);
      List<Signature> sigs = new ArrayList<>();
      sigs.add(Signature.builder().key(Signature.DEFAULT_KEY).methodName(PREDICT)
          .input(ImageInterface.IMAGE_BYTES, bytes)
          .output("probabilities", probabilities).output("classes", top).output("class_names", names).build());
      if (images != null) {
        sigs.add(Signature.builder().key("images").methodName(PREDICT).input("images", images)
            .output("probabilities", probabilities).output("classes", top).output("class_names", names).build());
      }
      sigs.add(Signature.builder().key(FeatureExtractor.SIGNATURE).methodName(PREDICT)
          .input(ImageInterface.IMAGE_BYTES, bytes).output(FeatureExtractor.SIGNATURE, feats).build());
      // The trained weights go in through placeholders, so the graph does not hold them twice.
      Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
      List<org.tensorflow.op.Op> assigns = new ArrayList<>();
      Ops load = tf.withSubScope("load_head");
      vars.forEach((name, v) -> {
        Placeholder<TFloat32> ph = load.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
        feeds.put(name, ph);
        assigns.add(load.assign(v, ph));
      });
      Files.createDirectories(abs.getParent());
      FileOps.deleteTree(tmp);
      try (Session s = new Session(g)) {
        s.initialize();
        Session.Runner runner = s.runner();
        List<Tensor> held = new ArrayList<>();
        try {
          for (Map.Entry<String, Placeholder<TFloat32>> e : feeds.entrySet()) {
            Result r = h.session().runner().fetch(e.getKey().replace('/', '_')).run();
            Tensor t = r.get(0);
            held.add(t);
            runner.feed(e.getValue(), t);
          }
          assigns.forEach(runner::addTarget);
          runner.run().close();
        } finally {
          held.forEach(Tensor::close);
        }
        SavedModelBundle.exporter(tmp.toString()).withSession(s)
            .withSignatures(sigs.toArray(Signature[]::new)).export();
      }
      Path labels = tmp.resolve(ImageModelExport.LABELS_ASSET);
      Files.createDirectories(labels.getParent());
      Files.writeString(labels, String.join("\n", classes) + "\n", StandardCharsets.UTF_8);
      ObjectNode info = JsonNodeFactory.instance.objectNode();
      info.set("image", image.toJson());
      ArrayNode cl = info.putArray("classes");
      classes.forEach(cl::add);
      info.set("imported_from", provenance);
      Files.writeString(tmp.resolve(ImageModelExport.INTERFACE_FILE), info.toPrettyString() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        FileOps.deleteTree(tmp);
      } catch (IOException ignored) {
        // the export error matters more
      }
      if (e instanceof GuildException ge) {
        throw ge;
      }
      throw new GuildException("cannot write the retrained model to " + abs + ": " + e.getMessage(), e);
    }
  }

  /**
   * The parent's graph with the consumers of its pixel input {@code pixels} (the {@code images}
   * signature's input, a placeholder with the decoded images as default) fed the pixels and their
   * mirror images, concatenated along the batch.
   */
  static GraphDef mirrored(GraphDef graph, String pixels) {
    String node = pixels.endsWith(":0") ? pixels.substring(0, pixels.length() - 2) : pixels;
    if (node.contains(":")) {
      throw new GuildException("the parent's pixel input " + pixels + " is not an op's first output");
    }
    // A scope the graph does not use yet (a retrained model's graph has one of its own).
    java.util.Set<String> names = new java.util.HashSet<>();
    graph.getNodeList().forEach(n -> names.add(n.getName().split("/")[0]));
    String scope = "guild_mirror";
    for (int i = 1; names.contains(scope); i++) {
      scope = "guild_mirror_" + i;
    }
    String both = scope + "/both";
    String widthAxis = scope + "/width_axis";
    String flipped = scope + "/mirrored";
    String batchAxis = scope + "/batch_axis";
    GraphDef.Builder b = graph.toBuilder();
    int rewired = 0;
    for (NodeDef.Builder n : b.getNodeBuilderList()) {
      for (int i = 0; i < n.getInputCount(); i++) {
        if (n.getInput(i).equals(node) || n.getInput(i).equals(node + ":0")) {
          n.setInput(i, both);
          rewired++;
        }
      }
    }
    if (rewired == 0) {
      throw new GuildException("the parent's pixel input " + pixels + " feeds nothing");
    }
    b.addNode(int32Const(widthAxis, 2, true));
    b.addNode(NodeDef.newBuilder().setName(flipped).setOp("ReverseV2")
        .addInput(node).addInput(widthAxis)
        .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
        .putAttr("Tidx", AttrValue.newBuilder().setType(DataType.DT_INT32).build()));
    b.addNode(int32Const(batchAxis, 0, false));
    b.addNode(NodeDef.newBuilder().setName(both).setOp("ConcatV2")
        .addInput(node).addInput(flipped).addInput(batchAxis)
        .putAttr("N", AttrValue.newBuilder().setI(2).build())
        .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
        .putAttr("Tidx", AttrValue.newBuilder().setType(DataType.DT_INT32).build()));
    return b.build();
  }

  private static NodeDef int32Const(String name, int value, boolean vector) {
    TensorShapeProto shape = vector
        ? TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(1)).build()
        : TensorShapeProto.getDefaultInstance();
    TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(shape).addIntVal(value).build();
    return NodeDef.newBuilder().setName(name).setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_INT32).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(t).build()).build();
  }

  @SuppressWarnings("unchecked")
  private static <T extends org.tensorflow.types.family.TType> Operand<T> output(Graph g, String tensorName) {
    return (Operand<T>) g.outputOrThrow(PREFIX + "/" + tensorName);
  }
}
