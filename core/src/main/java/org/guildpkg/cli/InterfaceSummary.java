package org.guildpkg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.guildpkg.spec.PackageType;

/**
 * The lines {@code guild info} prints for a manifest's interface data, by package type: a
 * dataset's splits with example counts, features and classes; a model's signatures, lineage,
 * metrics and classes; a source package's flags and dataset. Keys a manifest lacks print nothing.
 */
final class InterfaceSummary {
  /** One {@code key: value} line. */
  record Line(String key, String value) {}

  private InterfaceSummary() {}

  static List<Line> of(PackageType type, JsonNode data) {
    List<Line> out = new ArrayList<>();
    switch (type) {
      case DATASET -> {
        add(out, "splits", join(data.path("splits"), e -> e.getKey() + " " + e.getValue().path("examples").asText("?")));
        add(out, "features", join(data.path("features"), e -> e.getKey() + " " + tensor(e.getValue())));
        add(out, "classes", values(data.path("classes")));
      }
      case MODEL -> {
        List<String> withheld = new ArrayList<>();
        data.path("signatures").fields().forEachRemaining(e -> {
          boolean changes = e.getValue().path("changes_state").asBoolean(false) || e.getKey().equals("train");
          if (changes) {
            withheld.add(e.getKey());
          }
          out.add(new Line("signature",
            e.getKey() + " (" + e.getValue().path("method").asText("?") + "): "
                + join(e.getValue().path("inputs"), t -> t.getKey() + " " + tensor(t.getValue()))
                + " -> " + join(e.getValue().path("outputs"), t -> t.getKey() + " " + tensor(t.getValue()))
                + (changes ? " [changes the model]" : "")));
        });
        if (!withheld.isEmpty()) {
          out.add(new Line("serving", "not served: " + String.join(", ", withheld)
              + " (they change the model's variables; guild serve --allow-signature NAME serves one)"));
        }
        JsonNode lineage = data.path("lineage");
        if (lineage.isObject()) {
          add(out, "trained from", id(lineage.path("source")) + " on " + id(lineage.path("dataset")));
        }
        add(out, "metrics", join(data.path("metrics"), e -> e.getKey() + " " + e.getValue().asText()));
        add(out, "classes", values(data.path("classes")));
      }
      case SOURCE -> {
        add(out, "flags", join(data.path("flags"), e -> e.getKey() + "=" + e.getValue().path("default").asText("")
            + " (" + e.getValue().path("type").asText("string") + ")"));
        add(out, "dataset", data.path("dataset").asText(""));
      }
    }
    return out;
  }

  private static void add(List<Line> out, String key, String value) {
    if (!value.isEmpty()) {
      out.add(new Line(key, value));
    }
  }

  private static String join(JsonNode object, Function<Map.Entry<String, JsonNode>, String> item) {
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      parts.add(item.apply(it.next()));
    }
    return String.join(", ", parts);
  }

  private static String values(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(v -> parts.add(v.asText()));
    return String.join(", ", parts);
  }

  /** {@code uint8 [28, 28]}, {@code float32 [-1, 1]}, or {@code float32 ?} for an unknown rank. */
  private static String tensor(JsonNode spec) {
    JsonNode shape = spec.path("shape");
    List<String> dims = new ArrayList<>();
    shape.forEach(d -> dims.add(d.asText()));
    return spec.path("dtype").asText("?") + " " + (shape.isArray() ? "[" + String.join(", ", dims) + "]" : "?");
  }

  private static String id(JsonNode ref) {
    return ref.path("name").asText("?") + (ref.has("version") ? "@" + ref.path("version").asText() : "");
  }
}
