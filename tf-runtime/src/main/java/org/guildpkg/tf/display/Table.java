package org.guildpkg.tf.display;

import java.util.ArrayList;
import java.util.List;

/** A titled table built once and written both as HTML and as aligned plain text. */
final class Table {
  private final String title;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String title, String... header) {
    this.title = title;
    this.header = List.of(header);
  }

  Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("row of " + cells.length + " cells, header has " + header.size());
    }
    List<String> r = new ArrayList<>(cells.length);
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  String html() {
    StringBuilder b = new StringBuilder();
    b.append("<table class=\"guild-table\">");
    b.append("<caption style=\"text-align:left;font-weight:bold\">").append(escape(title)).append("</caption>");
    b.append("<thead><tr>");
    header.forEach(h -> b.append("<th style=\"text-align:left\">").append(escape(h)).append("</th>"));
    b.append("</tr></thead><tbody>");
    for (List<String> r : rows) {
      b.append("<tr>");
      r.forEach(c -> b.append("<td style=\"text-align:left\">").append(escape(c)).append("</td>"));
      b.append("</tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  String text() {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder(title).append('\n');
    line(b, header, width);
    rows.forEach(r -> line(b, r, width));
    return b.toString();
  }

  private static void line(StringBuilder b, List<String> cells, int[] width) {
    StringBuilder l = new StringBuilder("  ");
    for (int i = 0; i < cells.size(); i++) {
      l.append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length() + 2));
    }
    b.append(l.toString().stripTrailing()).append('\n');
  }

  /** Escapes text for HTML element content and attribute values. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
