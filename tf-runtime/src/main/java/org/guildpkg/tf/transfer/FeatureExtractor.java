package org.guildpkg.tf.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.tf.imports.ImageInterface;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A parent image model's {@code features} signature ({@code image_bytes} string {@code [-1]} to
 * {@code features} float32 {@code [-1, D]}), loaded once and run batch by batch.
 */
public final class FeatureExtractor implements AutoCloseable {
  /** The signature transfer learning needs in a parent model. */
  public static final String SIGNATURE = "features";

  private final SavedModelBundle bundle;
  private final String input;
  private final String output;
  private final int dim;

  private FeatureExtractor(SavedModelBundle bundle, String input, String output, int dim) {
    this.bundle = bundle;
    this.input = input;
    this.output = output;
    this.dim = dim;
  }

  /**
   * Loads the SavedModel in {@code dir}.
   *
   * @param what names the model in errors (its package id)
   * @throws GuildException in one line when it is not an image model with a {@code features}
   *     signature
   */
  public static FeatureExtractor load(Path dir, String what) {
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
    return new FeatureExtractor(b, in.name, out.name, (int) out.shape.size(1));
  }

  /** The features' width D. */
  public int dim() {
    return dim;
  }

  /** Computes the features of a batch of encoded images into {@code dst} from {@code offset}. */
  public void features(TString images, float[] dst, int offset) {
    try (Result r = bundle.session().runner().feed(input, images).fetch(output).run()) {
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
