package org.guildpkg.mirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A compact digest of a mirror's index for {@code guild search}: the newest version of each
 * package with only what search matches and shows, one tab-separated line each. It is written
 * beside the cached index ({@code cache/indexes/NAME.search}) whenever the index is parsed, so
 * that a search in a fresh JVM reads and verifies the raw index (its signature still checked on
 * the raw bytes) but parses about a fifth of it, with no JSON at all.
 *
 * <p>The first line names the index it was made from by length and CRC-32C: a digest of another
 * index (an older one, after a crash between the two writes) is not used. The digest is a cache,
 * as trusted as the cached index beside it; the index's signature is what vouches for both.
 */
public final class SearchDigest {
  private static final String MAGIC = "guild-search-digest 1";

  private SearchDigest() {}

  /**
   * What search knows of one package: its newest version in one mirror's index.
   *
   * @param type the package type's id ({@code dataset}, {@code model}, {@code source})
   */
  public record Row(String name, String version, String type, String description, List<String> tags) {
    /** Copies the tags. */
    public Row {
      tags = List.copyOf(tags);
    }
  }

  /** The newest entry of each package in {@code index}, by name. */
  public static List<Row> rows(MirrorIndex index) {
    List<IndexEntry> entries = index.packages();
    List<Row> out = new ArrayList<>();
    // Entries are sorted by name then version: the last of each run is the newest.
    for (int i = 0; i < entries.size(); i++) {
      IndexEntry e = entries.get(i);
      if (i + 1 < entries.size() && entries.get(i + 1).name().equals(e.name())) {
        continue;
      }
      out.add(new Row(e.name().value(), e.version().value(), e.manifest().type().id(),
          e.manifest().description(), e.manifest().tags()));
    }
    return out;
  }

  /** The digest of {@code rows}, made from the index whose raw bytes are {@code indexBytes}. */
  static byte[] encode(List<Row> rows, byte[] indexBytes) {
    StringBuilder b = new StringBuilder(rows.size() * 96 + 64);
    b.append(MAGIC).append('\t').append(stamp(indexBytes)).append('\n');
    for (Row r : rows) {
      b.append(escape(r.name())).append('\t').append(escape(r.version())).append('\t')
          .append(escape(r.type())).append('\t').append(escape(r.description()));
      for (String t : r.tags()) {
        b.append('\t').append(escape(t));
      }
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The rows of a digest, when it was made from the index whose raw bytes are
   * {@code indexBytes}; empty when it was made from another index or is not a digest.
   */
  static Optional<List<Row>> decode(byte[] digest, byte[] indexBytes) {
    String text = new String(digest, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    if (nl < 0 || !text.substring(0, nl).equals(MAGIC + "\t" + stamp(indexBytes))) {
      return Optional.empty();
    }
    List<Row> out = new ArrayList<>();
    for (int start = nl + 1; start < text.length(); ) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        return Optional.empty(); // cut short
      }
      String[] f = text.substring(start, end).split("\t", -1);
      if (f.length < 4) {
        return Optional.empty();
      }
      List<String> tags = new ArrayList<>(f.length - 4);
      for (int i = 4; i < f.length; i++) {
        tags.add(unescape(f[i]));
      }
      out.add(new Row(unescape(f[0]), unescape(f[1]), unescape(f[2]), unescape(f[3]), tags));
      start = end + 1;
    }
    return Optional.of(out);
  }

  private static String stamp(byte[] indexBytes) {
    CRC32C crc = new CRC32C();
    crc.update(indexBytes);
    return indexBytes.length + "\t" + Long.toHexString(crc.getValue());
  }

  private static String escape(String s) {
    if (s.indexOf('\\') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
