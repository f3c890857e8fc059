package org.guildpkg.tf.display;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One rich output as Jupyter's display messages carry it: MIME type to data, always with a
 * {@code text/plain} fallback; images are base64 text ({@code image/png}), as in a notebook file.
 *
 * <pre>{@code
 * MimeBundle b = HtmlTables.signatures(model);
 * b.html().orElseThrow();   // "<table ...>"
 * b.text();                 // the same as aligned text
 * }</pre>
 *
 * @param data MIME type to data, in the order a front end should prefer them last to first
 */
public record MimeBundle(Map<String, String> data) implements Displayable {
  /** The plain-text MIME type, present in every bundle. */
  public static final String TEXT = "text/plain";
  /** The HTML MIME type. */
  public static final String HTML = "text/html";
  /** The PNG MIME type; its data is base64. */
  public static final String PNG = "image/png";

  /** Copies the data and checks that it has a {@code text/plain} entry and no null. */
  public MimeBundle {
    if (data == null || !data.containsKey(TEXT)) {
      throw new IllegalArgumentException("a MIME bundle needs a text/plain entry: " + data);
    }
    data.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException("MIME bundle entries may not be null: " + k);
      }
    });
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** A bundle of plain text and its HTML form. */
  public static MimeBundle html(String text, String html) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TEXT, text);
    m.put(HTML, html);
    return new MimeBundle(m);
  }

  /** A bundle of a PNG image (its bytes, stored base64) and a text description of it. */
  public static MimeBundle png(String text, byte[] png) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TEXT, text);
    m.put(PNG, Base64.getEncoder().encodeToString(png));
    return new MimeBundle(m);
  }

  /** The plain-text form. */
  public String text() {
    return data.get(TEXT);
  }

  /** The HTML form, if there is one. */
  public Optional<String> html() {
    return Optional.ofNullable(data.get(HTML));
  }

  /** The PNG image's bytes, if there is one. */
  public Optional<byte[]> png() {
    return Optional.ofNullable(data.get(PNG)).map(Base64.getDecoder()::decode);
  }

  /** Returns this bundle. */
  @Override
  public MimeBundle toMimeBundle() {
    return this;
  }

  /** The plain-text form, so that a console shows what a notebook would. */
  @Override
  public String toString() {
    return text();
  }
}
