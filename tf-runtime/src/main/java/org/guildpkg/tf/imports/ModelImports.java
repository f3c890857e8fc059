package org.guildpkg.tf.imports;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.tf.imports.TfliteModel.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * Turns upstream image classifiers into SavedModels that take encoded images ({@code
 * image_bytes}), with their image interface and class names beside them (see {@link
 * ImageModelExport}): TensorFlow Lite flatbuffers and frozen TensorFlow GraphDefs. This is what
 * {@code guild model import} runs, and what model packagers call.
 *
 * <pre>{@code
 * ModelImports.tflite(Path.of("mobilenet_v2_1.0_224_quant.tflite"), ModelImports.labels(Path.of("imagenet_labels.txt")),
 *     Optional.empty(), Path.of("out"));
 * }</pre>
 */
public final class ModelImports {
  private static final Logger LOG = LoggerFactory.getLogger(ModelImports.class);

  private ModelImports() {}

  /**
   * Imports a TensorFlow Lite image classifier, computing in float32 with its weights dequantized.
   *
   * @param scaling the pixel scaling, needed when the model takes float input; for a quantized
   *     (uint8 or int8) input it defaults to the input's own quantization ({@code (x - zero_point)
   *     * scale})
   * @throws GuildException naming the file for an unreadable model, an operator the importer does
   *     not know, a label count that does not fit, or a write that fails (leaving nothing behind)
   */
  public static ImageInterface tflite(Path file, List<String> classes, Optional<double[]> scaling, Path output) {
    TfliteModel model = TfliteModel.read(file);
    TfliteGraph graph = new TfliteGraph(model);
    TensorInfo in = graph.input();
    double mean;
    double std;
    if (scaling.isPresent()) {
      mean = scaling.get()[0];
      std = scaling.get()[1];
    } else if ((in.type() == TfliteModel.UINT8 || in.type() == TfliteModel.INT8) && in.scale().length == 1) {
      long zp = in.zeroPoint().length == 0 ? 0 : in.zeroPoint()[0];
      // An int8 input holds pixel - 128.
      mean = zp + (in.type() == TfliteModel.INT8 ? 128 : 0);
      std = 1.0 / in.scale()[0];
    } else {
      throw new GuildException(file + ": input '" + in.name() + "' is float, so the file does not say how"
          + " pixels are scaled; give --mean and --std (for example 127.5 and 127.5 for [-1, 1])");
    }
    int[] size = graph.size();
    ImageInterface image = new ImageInterface(size[0], size[1], mean, std);
    long outputs = model.tensors().get(model.outputs()[0]).elementCount();
    checkClasses(file, classes, outputs);
    ObjectNode from = JsonNodeFactory.instance.objectNode();
    from.put("format", "tflite");
    from.put("file", file.getFileName().toString());
    from.put("note", "converted from TensorFlow Lite; weights dequantized as (q - zero_point) * scale, computed in float32");
    ImageModelExport.export(output, image, classes, graph, from);
    LOG.info("imported {} ({} operators) into {}", file, model.operators().size(), output);
    return image;
  }

  /**
   * Imports a frozen TensorFlow GraphDef image classifier whose input takes scaled float images
   * {@code [-1, H, W, 3]} and whose output is a softmax {@code [-1, C]}.
   *
   * @param input the input tensor ({@code NAME} or {@code NAME:INDEX}), a Placeholder
   * @param output the probabilities tensor
   * @param features the penultimate layer's tensor, if known (gives a {@code features} signature)
   * @throws GuildException naming the file for an unreadable GraphDef, an unknown tensor name, or a
   *     write that fails
   */
  public static void graphDef(
      Path file, String input, String output, Optional<String> features, ImageInterface image,
      List<String> classes, Path out) {
    GraphDef def;
    try (InputStream s = Files.newInputStream(file)) {
      def = GraphDef.parseFrom(s);
    } catch (IOException e) {
      throw new GuildException("cannot read " + file + " as a frozen TensorFlow GraphDef: " + GuildException.reason(e), e);
    }
    String inputNode = nodeName(input);
    GraphDef.Builder rewired = def.toBuilder();
    int at = -1;
    for (int i = 0; i < def.getNodeCount(); i++) {
      NodeDef n = def.getNode(i);
      if (n.getName().equals(inputNode)) {
        at = i;
      }
      if (n.getName().startsWith(ImageModelExport.SCOPE + "/") || n.getName().equals(ImageInterface.IMAGE_BYTES)
          || n.getName().equals("images")) {
        throw new GuildException(file + ": node '" + n.getName() + "' clashes with the names the importer adds");
      }
    }
    if (at < 0) {
      throw new GuildException(file + ": no node '" + inputNode + "' (the --input tensor) in the GraphDef");
    }
    int nodeAt = at;
    ObjectNode from = JsonNodeFactory.instance.objectNode();
    from.put("format", "frozen GraphDef");
    from.put("file", file.getFileName().toString());
    from.put("input", input);
    from.put("output", output);
    ImageModelExport.Body body = (tf, images) -> {
      Graph ours = (Graph) tf.scope().env();
      String src = images.asOutput().op().name() + (images.asOutput().index() == 0 ? "" : ":" + images.asOutput().index());
      // The classifier's input placeholder becomes an Identity of the scaled images, and both
      // graphs are merged into one (TensorFlow's import cannot refer to nodes already there).
      rewired.setNode(nodeAt, NodeDef.newBuilder().setName(inputNode).setOp("Identity").addInput(src)
          .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()).build());
      GraphDef mine = ours.toGraphDef();
      GraphDef.Builder merged = mine.toBuilder().addAllNode(rewired.getNodeList());
      java.util.Set<String> have = new java.util.HashSet<>();
      mine.getLibrary().getFunctionList().forEach(fn -> have.add(fn.getSignature().getName()));
      rewired.getLibrary().getFunctionList().stream().filter(fn -> have.add(fn.getSignature().getName()))
          .forEach(fn -> merged.getLibraryBuilder().addFunction(fn));
      merged.getLibraryBuilder().addAllGradient(rewired.getLibrary().getGradientList());
      Graph g = new Graph();
      try {
        g.importGraphDef(merged.build());
        Ops ops = Ops.create(g).withSubScope(ImageModelExport.SCOPE + "_features");
        Operand<TFloat32> probs = tensor(g, file, output, "--output");
        Operand<TFloat32> f = features.map(name -> {
          Operand<TFloat32> t = tensor(g, file, name, "--features");
          return (Operand<TFloat32>) ops.reshape(t, ops.constant(new long[] {-1, featureSize(t)}));
        }).orElse(null);
        long c = probs.shape().numDimensions() == 2 ? probs.shape().get(1) : -1;
        if (c > 0) {
          checkClasses(file, classes, c);
        }
        return new ImageModelExport.Heads(probs, f, g);
      } catch (IllegalArgumentException e) {
        g.close();
        throw new GuildException(file + ": TensorFlow cannot import the GraphDef: " + firstLine(e.getMessage()), e);
      } catch (RuntimeException e) {
        g.close();
        throw e;
      }
    };
    ImageModelExport.export(out, image, classes, body, from);
    LOG.info("imported {} into {}", file, out);
  }

  private static long featureSize(Operand<TFloat32> t) {
    long n = 1;
    for (int k = 1; k < t.shape().numDimensions(); k++) {
      long d = t.shape().get(k);
      if (d < 0) {
        return -1;
      }
      n *= d;
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> tensor(Graph g, Path file, String name, String option) {
    GraphOperation op = g.operation(nodeName(name));
    if (op == null) {
      throw new GuildException(file + ": no node '" + nodeName(name) + "' (the " + option + " tensor) in the GraphDef");
    }
    int index = name.contains(":") ? Integer.parseInt(name.substring(name.lastIndexOf(':') + 1)) : 0;
    if (index >= op.numOutputs()) {
      throw new GuildException(file + ": node '" + op.name() + "' has " + op.numOutputs() + " outputs, not " + (index + 1));
    }
    Output<?> o = op.output(index);
    if (o.dataType() != DataType.DT_FLOAT) {
      throw new GuildException(file + ": tensor '" + name + "' (" + option + ") is " + o.dataType() + ", not float32");
    }
    return (Operand<TFloat32>) o;
  }

  private static String nodeName(String tensor) {
    int colon = tensor.lastIndexOf(':');
    return colon > 0 && tensor.substring(colon + 1).chars().allMatch(Character::isDigit) ? tensor.substring(0, colon) : tensor;
  }

  private static void checkClasses(Path file, List<String> classes, long outputs) {
    if (classes.size() != outputs) {
      throw new GuildException(file + ": the model gives " + outputs + " class probabilities but the labels name "
          + classes.size() + " classes; give a labels file with one line per output");
    }
  }

  /**
   * Reads a labels file: one class name a line, line i naming output i; a trailing empty line is
   * ignored.
   *
   * @throws GuildException naming the file when it cannot be read or is empty
   */
  public static List<String> labels(Path file) {
    List<String> lines;
    try {
      lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GuildException("cannot read labels " + file + ": " + GuildException.reason(e), e);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    if (lines.isEmpty()) {
      throw new GuildException(file + ": no labels (one class name a line)");
    }
    return List.copyOf(lines.stream().map(String::strip).toList());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.strip().indexOf('\n');
    return nl < 0 ? s.strip() : s.strip().substring(0, nl);
  }
}
