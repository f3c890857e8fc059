package org.guildpkg.tf.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.tf.imports.ImageInterface;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A parent image model's features for transfer learning, loaded once and run batch by batch: its
 * {@code features} signature ({@code image_bytes} string {@code [-1]} to {@code features} float32
 * {@code [-1, D]}) as a {@link FeatureRecipe} takes it, of the images as they are or mirrored
 * left to right (through the parent's {@code images} signature, the decoded and resized pixels).
 */
public final class FeatureExtractor implements AutoCloseable {
  /** The signature transfer learning needs in a parent model. */
  public static final String SIGNATURE = "features";

  private final SavedModelBundle bundle;
  private final String input;
  private final Operand<TFloat32> output;
  private final int dim;
  private final String pixels;
  private final Operand<TFloat32> mirroredPixels;

  private FeatureExtractor(
      SavedModelBundle bundle, String input, Operand<TFloat32> output, int dim, String pixels,
      Operand<TFloat32> mirroredPixels) {
    this.bundle = bundle;
    this.input = input;
    this.output = output;
    this.dim = dim;
    this.pixels = pixels;
    this.mirroredPixels = mirroredPixels;
  }

  /**
   * Loads the SavedModel in {@code dir} and adds the recipe's ops to its graph.
   *
   * @param what names the model in errors (its package id)
   * @param recipe which of its activations to give
   * @throws GuildException in one line when it is not an image model with a {@code features}
   *     signature
   */
  public static FeatureExtractor load(Path dir, String what, FeatureRecipe recipe) {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new GuildException(what + " holds no SavedModel (no saved_model.pb); transfer learning needs an image model");
    }
    SavedModelBundle b;
    try {
      b = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG);
    } catch (RuntimeException e) {
      throw new GuildException(what + ": cannot load its SavedModel: " + e.getMessage(), e);
    }
    Signature sig = b.signatures().stream().filter(s -> s.key().equals(SIGNATURE)).findFirst().orElse(null);
    if (sig == null) {
      String keys = String.join(", ", b.signatures().stream().map(Signature::key).toList());
      b.close();
      throw new GuildException(what + " has no '" + SIGNATURE + "' signature (it has: " + keys
          + "); transfer learning needs an image model imported by 'guild model import', such as mobilenet-v2+ilsvrc2012");
    }
    Signature.TensorDescription in = sig.getInputs().get(ImageInterface.IMAGE_BYTES);
    Signature.TensorDescription out = sig.getOutputs().get(SIGNATURE);
    if (in == null || out == null || out.shape.numDimensions() != 2 || out.shape.size(1) < 1) {
      b.close();
      throw new GuildException(what + ": its '" + SIGNATURE + "' signature must take '" + ImageInterface.IMAGE_BYTES
          + "' and give 'features' of shape [-1, D]");
    }
    try {
      // A scope no exported graph holds, so a retrained model can be a parent too.
      Ops tf = Ops.create(b.graph()).withSubScope("guild_extract");
      Operand<TFloat32> features = recipe.build(tf, b.graph().outputOrThrow(out.name), what);
      long d = features.shape().size(1);
      if (d < 1) {
        throw new GuildException(what + ": its '" + recipe.id() + "' features have no fixed width (shape " + features.shape() + ")");
      }
      Signature images = b.signatures().stream().filter(s -> s.key().equals("images")).findFirst().orElse(null);
      Signature.TensorDescription px = images == null ? null : images.getInputs().get("images");
      Operand<TFloat32> mirrored = null;
      if (px != null && px.shape.numDimensions() == 4) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> p = (Operand<TFloat32>) b.graph().outputOrThrow(px.name);
        mirrored = tf.withName("mirrored").reverse(p, tf.constant(new int[] {2}));
      }
      return new FeatureExtractor(b, in.name, features, (int) d, px == null ? null : px.name, mirrored);
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
  }

  /** Whether the parent can give the features of mirrored images (it has an {@code images} signature). */
  public boolean mirrors() {
    return mirroredPixels != null;
  }

  /** The features' width D. */
  public int dim() {
    return dim;
  }

  /** Computes the features of a batch of encoded images into {@code dst} from {@code offset}. */
  public void features(TString images, float[] dst, int offset) {
    features(images, false, dst, offset);
  }

  /**
   * Computes the features of a batch of encoded images, or of their mirror images, into {@code
   * dst} from {@code offset}.
   *
   * @throws GuildException when {@code mirrored} and the parent cannot mirror ({@link #mirrors()})
   */
  public void features(TString images, boolean mirrored, float[] dst, int offset) {
    if (mirrored && !mirrors()) {
      throw new GuildException("the parent model has no 'images' signature to feed mirrored images to");
    }
    try (Result m = mirrored ? bundle.session().runner().feed(input, images).fetch(mirroredPixels).run() : null;
        Result r = mirrored
            ? bundle.session().runner().feed(pixels, m.get(0)).fetch(output).run()
            : bundle.session().runner().feed(input, images).fetch(output).run()) {
      TFloat32 f = (TFloat32) r.get(0);
      long n = images.shape().size(0);
      if (f.shape().size(0) != n || f.shape().size(1) != dim) {
        throw new GuildException("the parent model gave features of shape " + f.shape() + " for " + n + " images");
      }
      f.asRawTensor().data().asFloats().read(dst, offset, (int) (n * dim));
    }
  }

  /** The loaded model's graph, for an export that imports it. */
  SavedModelBundle bundle() {
    return bundle;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
