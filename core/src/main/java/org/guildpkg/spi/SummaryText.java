package org.guildpkg.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Small formatters for {@link PackageInspector#summarize}: interface data (JSON) as the one-line
 * text {@code guild info} prints, so every package type's summary reads the same way.
 */
public final class SummaryText {
  private SummaryText() {}

  /** Adds {@code key: value} to {@code out} unless {@code value} is empty. */
  public static void add(List<PackageInspector.SummaryLine> out, String key, String value) {
    if (!value.isEmpty()) {
      out.add(new PackageInspector.SummaryLine(key, value));
    }
  }

  /** Each field of {@code object} through {@code item}, joined with {@code ", "}; empty for none. */
  public static String join(JsonNode object, Function<Map.Entry<String, JsonNode>, String> item) {
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      parts.add(item.apply(it.next()));
    }
    return String.join(", ", parts);
  }

  /** The values of {@code array} as text, joined with {@code ", "}; empty for none. */
  public static String values(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(v -> parts.add(v.asText()));
    return String.join(", ", parts);
  }

  /**
   * A tensor's {@code {"dtype", "shape"}} as {@code uint8 [28, 28]}, {@code float32 [-1, 1]}, or
   * {@code float32 ?} for an unknown rank.
   */
  public static String tensor(JsonNode spec) {
    JsonNode shape = spec.path("shape");
    List<String> dims = new ArrayList<>();
    shape.forEach(d -> dims.add(d.asText()));
    return spec.path("dtype").asText("?") + " " + (shape.isArray() ? "[" + String.join(", ", dims) + "]" : "?");
  }

  /** A package reference {@code {"name", "version"}} as {@code NAME@VERSION} ({@code ?} without a name). */
  public static String id(JsonNode ref) {
    return ref.path("name").asText("?") + (ref.has("version") ? "@" + ref.path("version").asText() : "");
  }

  /**
   * Any value on one line: an array's values, an object's field names, a scalar's text; the
   * generic form for keys no inspector describes.
   */
  public static String generic(JsonNode value) {
    if (value.isArray()) {
      return values(value);
    }
    if (value.isObject()) {
      return join(value, Map.Entry::getKey);
    }
    return value.asText();
  }
}
