package org.guildpkg.tf.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.guildpkg.GuildException;

/**
 * How an image classifier wants its pictures: the part of a model package's interface that a
 * centre crop or another scaling would silently change (Grace Hopper is a "military uniform" when
 * the whole photo is resized, a "mortarboard" when it is centre-cropped first).
 *
 * <p>An imported model applies it inside its graph (decode, resize the whole image bilinearly to
 * {@code height x width}, then {@code (pixel - mean) / std} per channel), so the Java API, {@code
 * guild predict}, REST and a deployed model in TensorFlow Serving all see the same values; the
 * manifest records it under {@code interface.image} for people and tools.
 *
 * @param height the model's input height in pixels
 * @param width the model's input width in pixels
 * @param mean subtracted from each 0..255 pixel value
 * @param std the pixel value is divided by it after subtracting {@code mean}
 */
public record ImageInterface(int height, int width, double mean, double std) {
  /** The signature input that takes encoded images (JPEG, PNG, BMP, GIF). */
  public static final String IMAGE_BYTES = "image_bytes";
  /** The resize rule every imported model uses: the whole image, bilinear, no crop. */
  public static final String RESIZE = "bilinear, whole image (no crop), half-pixel centres";

  /** Checks the parts. */
  public ImageInterface {
    if (height < 1 || width < 1 || height > 8192 || width > 8192) {
      throw new GuildException("image size " + height + "x" + width + " is out of range 1..8192");
    }
    if (!(std > 0) || !Double.isFinite(mean) || !Double.isFinite(std)) {
      throw new GuildException("image scaling (x - " + mean + ") / " + std + " needs a finite mean and std > 0");
    }
  }

  /** The manifest form ({@code interface.image}). */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("input", IMAGE_BYTES);
    o.put("formats", "JPEG, PNG, BMP, GIF (first frame); decoded to RGB");
    o.put("height", height);
    o.put("width", width);
    o.put("channels", 3);
    o.put("resize", RESIZE);
    o.put("scaling", "(x - mean) / std");
    o.put("mean", mean);
    o.put("std", std);
    return o;
  }

  /**
   * Reads the manifest form.
   *
   * @throws GuildException naming {@code where} when a field is missing or wrong
   */
  public static ImageInterface fromJson(JsonNode o, String where) {
    for (String k : new String[] {"height", "width", "mean", "std"}) {
      if (!o.path(k).isNumber()) {
        throw new GuildException(where + ": image interface needs a number '" + k + "'");
      }
    }
    return new ImageInterface(o.get("height").intValue(), o.get("width").intValue(),
        o.get("mean").doubleValue(), o.get("std").doubleValue());
  }
}
