package org.guildpkg.tf.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.imports.ImageInterface;
import org.guildpkg.tf.imports.ModelImports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild model ...}: model conversions for packagers. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Model conversions for packagers.",
    subcommands = {ModelCommand.Import.class})
final class ModelCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "give a subcommand: import");
  }

  /** {@code guild model import ...}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Turn an upstream image classifier into a SavedModel that takes encoded images"
          + " (image_bytes), with its image interface and class names beside it.",
      subcommands = {Tflite.class, GraphDef.class})
  static final class Import implements Callable<Integer> {
    @ParentCommand ModelCommand parent;

    @Override
    public Integer call() {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "give a format: tflite or graphdef");
    }
  }

  /** {@code guild model import tflite FILE --labels FILE --output DIR}. */
  @Command(
      name = "tflite",
      mixinStandardHelpOptions = true,
      description = "Import a TensorFlow Lite image classifier (computed in float32, quantized"
          + " weights dequantized as (q - zero_point) * scale); prints the folder it wrote.")
  static final class Tflite implements Callable<Integer> {
    @ParentCommand Import parent;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .tflite file.")
    Path file;

    @Option(names = "--labels", required = true, paramLabel = "FILE",
        description = "Class names, one a line; line i names output i (required).")
    Path labels;

    @Option(names = "--output", required = true, paramLabel = "DIR",
        description = "The SavedModel folder to write; must be new or empty (required).")
    Path output;

    @Option(names = "--mean", paramLabel = "M",
        description = "Subtracted from each 0..255 pixel (default: from a quantized input's zero point).")
    Double mean;

    @Option(names = "--std", paramLabel = "S",
        description = "Divides the pixel after --mean (default: 1 / a quantized input's scale).")
    Double std;

    @Override
    public Integer call() {
      if ((mean == null) != (std == null)) {
        throw new GuildException("give --mean and --std together");
      }
      Optional<double[]> scaling = mean == null ? Optional.empty() : Optional.of(new double[] {mean, std});
      ImageInterface image = ModelImports.tflite(file, ModelImports.labels(labels), scaling, output);
      GuildCli cli = parent.parent.parent;
      cli.err().println("imported " + file.getFileName() + ": " + image.height() + "x" + image.width()
          + " images, scaled (x - " + image.mean() + ") / " + image.std());
      cli.out().println(output.toAbsolutePath().normalize());
      return 0;
    }
  }

  /** {@code guild model import graphdef FILE --input T --output-tensor T ...}. */
  @Command(
      name = "graphdef",
      mixinStandardHelpOptions = true,
      description = "Import a frozen TensorFlow GraphDef image classifier (float input [-1, H, W, 3],"
          + " softmax output); prints the folder it wrote.")
  static final class GraphDef implements Callable<Integer> {
    @ParentCommand Import parent;

    @Parameters(index = "0", paramLabel = "FILE", description = "The frozen GraphDef (.pb).")
    Path file;

    @Option(names = "--input", required = true, paramLabel = "TENSOR",
        description = "The input placeholder, e.g. input or input:0 (required).")
    String input;

    @Option(names = "--output-tensor", required = true, paramLabel = "TENSOR",
        description = "The probabilities tensor, e.g. InceptionV3/Predictions/Softmax:0 (required).")
    String outputTensor;

    @Option(names = "--features", paramLabel = "TENSOR",
        description = "The penultimate layer's tensor, for a 'features' signature (optional).")
    String features;

    @Option(names = "--size", required = true, paramLabel = "HxW",
        description = "The input image size, e.g. 299x299 (required).")
    String size;

    @Option(names = "--mean", required = true, paramLabel = "M",
        description = "Subtracted from each 0..255 pixel (required).")
    double mean;

    @Option(names = "--std", required = true, paramLabel = "S",
        description = "Divides the pixel after --mean (required).")
    double std;

    @Option(names = "--labels", required = true, paramLabel = "FILE",
        description = "Class names, one a line; line i names output i (required).")
    Path labels;

    @Option(names = "--output", required = true, paramLabel = "DIR",
        description = "The SavedModel folder to write; must be new or empty (required).")
    Path output;

    @Override
    public Integer call() {
      String[] hw = size.toLowerCase(java.util.Locale.ROOT).split("x");
      int h;
      int w;
      try {
        h = Integer.parseInt(hw[0]);
        w = Integer.parseInt(hw[hw.length - 1]);
      } catch (NumberFormatException e) {
        throw new GuildException("--size " + size + ": give HEIGHTxWIDTH, such as 224x224");
      }
      if (hw.length != 2) {
        throw new GuildException("--size " + size + ": give HEIGHTxWIDTH, such as 224x224");
      }
      ModelImports.graphDef(file, input, outputTensor, Optional.ofNullable(features),
          new ImageInterface(h, w, mean, std), ModelImports.labels(labels), output);
      GuildCli cli = parent.parent.parent;
      cli.err().println("imported " + file.getFileName() + ": " + h + "x" + w + " images");
      cli.out().println(output.toAbsolutePath().normalize());
      return 0;
    }
  }
}
