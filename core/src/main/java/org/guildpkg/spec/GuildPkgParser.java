package org.guildpkg.spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;
import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.Profile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code GuildPkg} files with ini4j, after an explicit pre-processing pass over the raw
 * lines.
 *
 * <p>ini4j (0.5.4) itself handles sections, {@code ;} and {@code #} comment lines, CRLF line ends
 * and values continued with a trailing backslash (it joins the lines with one space). It does
 * not know inline comments and it joins a continued value across blank lines into the next
 * section header. {@link #preprocess} therefore, line by line and keeping the line count:
 *
 * <ul>
 *   <li>removes an inline comment: {@code ;} or {@code #} after whitespace (or first in the
 *       value), up to the end of the line, so {@code type = source ; dataset | model} is
 *       {@code source}; a {@code #} inside a URL has no whitespace before it and stays;
 *   <li>blanks out comment lines inside a continued value (ini4j would join them into it);
 *   <li>drops a trailing backslash that is followed by a blank line, a section header or the
 *       end of the file, so a value never swallows the next section;
 *   <li>records the line of every section and key, which ini4j does not report, for errors.
 * </ul>
 */
final class GuildPkgParser {
  private static final Logger LOG = LoggerFactory.getLogger(GuildPkgParser.class);

  static final String PACKAGE = "package";
  static final String REFERENCES = "references";
  static final Set<String> PACKAGE_KEYS =
      Set.of("name", "version", "type", "description", "tags", "license", "requires", "source",
          "sha256sums", "packager");

  private static final Pattern SECTION = Pattern.compile("\\s*\\[([^\\]]*)\\]\\s*");
  private static final Pattern KEY = Pattern.compile("\\s*([^=:\\s][^=:]*?)\\s*[=:].*");
  private static final Pattern INLINE_COMMENT = Pattern.compile("(?:^|\\s)[;#].*$");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern INI4J_LINE = Pattern.compile("at line: (\\d+)");

  private GuildPkgParser() {}

  /** The pre-processed text for ini4j and the line of every section and key. */
  record Preprocessed(String text, Map<String, Integer> lines) {}

  static GuildPkg parse(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    String raw;
    try {
      byte[] bytes = Files.readAllBytes(abs);
      raw = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw new GuildException(abs + ": no such file; a package folder needs a GuildPkg");
    } catch (CharacterCodingException e) {
      throw new GuildException(abs + ": not UTF-8 text; save the GuildPkg as UTF-8", e);
    } catch (IOException e) {
      throw new GuildException(abs + ": cannot read: " + GuildException.reason(e), e);
    }
    if (raw.startsWith("\uFEFF")) {
      raw = raw.substring(1); // a byte-order mark, as some Windows editors write
    }
    Preprocessed pre;
    try {
      pre = preprocess(raw);
    } catch (GuildException e) {
      throw new GuildException(abs + ":" + e.getMessage());
    }
    Config config = new Config();
    config.setEscape(false); // keep backslashes in values literal; only line ends continue
    config.setEmptyOption(true);
    Ini ini = new Ini();
    ini.setConfig(config);
    try {
      ini.load(new StringReader(pre.text()));
    } catch (InvalidFileFormatException e) {
      Matcher m = INI4J_LINE.matcher(String.valueOf(e.getMessage()));
      String line = m.find() ? ":" + m.group(1) : "";
      throw new GuildException(
          abs + line + ": not an INI line; write 'key = value' under a [section] header", e);
    } catch (IOException e) {
      throw new GuildException(abs + ": cannot read: " + GuildException.reason(e), e);
    }
    return new Validator(abs, ini, pre.lines()).validate();
  }

  /** The pre-processing pass described in the class comment; see its tests. */
  static Preprocessed preprocess(String raw) {
    String[] lines = raw.split("\r\n|\r|\n", -1);
    List<String> out = new ArrayList<>(lines.length);
    Map<String, Integer> where = new HashMap<>();
    String section = "";
    boolean continuing = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.strip();
      boolean commentLine = trimmed.startsWith(";") || trimmed.startsWith("#");
      if (trimmed.isEmpty() || commentLine) {
        // ini4j skips blank lines also inside a continued value, but would join a comment line
        // into it: blank those out.
        out.add(continuing ? "" : line);
        continue;
      }
      Matcher sec = SECTION.matcher(stripInlineComment(line));
      if (!continuing && sec.matches()) {
        section = sec.group(1).strip();
        where.putIfAbsent("[" + section + "]", i + 1);
        out.add("[" + section + "]");
        continue;
      }
      String value = line;
      if (!continuing) {
        Matcher key = KEY.matcher(line);
        if (key.matches()) {
          Integer first = where.put(qualified(section, key.group(1)), i + 1);
          if (first != null) {
            throw new GuildException((i + 1) + ": key '" + key.group(1).strip() + "' in ["
                + section + "] is given again (first on line " + first + "); give it once");
          }
          int op = key.end(1);
          while (op < line.length() && line.charAt(op) != '=' && line.charAt(op) != ':') {
            op++;
          }
          value = line.substring(0, op + 1) + stripInlineComment(line.substring(op + 1));
        } else {
          value = stripInlineComment(line);
        }
      } else {
        value = stripInlineComment(line);
      }
      value = value.stripTrailing();
      continuing = value.endsWith("\\");
      if (continuing && endsValue(lines, i + 1)) {
        value = value.substring(0, value.length() - 1).stripTrailing();
        continuing = false;
      }
      out.add(value);
    }
    return new Preprocessed(String.join("\n", out), where);
  }

  private static String stripInlineComment(String s) {
    return INLINE_COMMENT.matcher(s).replaceFirst("");
  }

  /** True when line {@code next} cannot continue a value: blank, a section header, or the end. */
  private static boolean endsValue(String[] lines, int next) {
    if (next >= lines.length) {
      return true;
    }
    String t = lines[next].strip();
    return t.isEmpty() || SECTION.matcher(stripInlineComment(t)).matches();
  }

  static String qualified(String section, String key) {
    return section.equals(PACKAGE) ? key : section + "." + key;
  }

  /** Turns ini4j's sections into a {@link GuildPkg}, one check per key. */
  private static final class Validator {
    private final Path file;
    private final Ini ini;
    private final Map<String, Integer> lines;
    private final Profile.Section pkg;

    Validator(Path file, Ini ini, Map<String, Integer> lines) {
      this.file = file;
      this.ini = ini;
      this.lines = lines;
      this.pkg = ini.get(PACKAGE);
    }

    GuildPkg validate() {
      warnAboutUnknownKeys();
      String nameText = required("name");
      PackageName name = check("name", () -> PackageName.of(nameText));
      String versionText = required("version");
      Version version = check("version", () -> Version.parse(versionText));
      String typeText = required("type");
      PackageType type = check("type", () -> PackageType.of(typeText));
      List<Requirement> requires =
          check("requires", () -> Requirement.parseList(get("requires").orElse("")));
      List<String> sources = words(get("source").orElse(""));
      sources.forEach(s -> check("source", () -> Source.parse(s)));
      List<String> sums = new ArrayList<>();
      for (String s : words(get("sha256sums").orElse(""))) {
        if (s.equals(GuildPkg.SKIP)) {
          sums.add(s);
        } else if (SHA256.matcher(s).matches()) {
          sums.add(s.toLowerCase(Locale.ROOT));
        } else {
          throw error("sha256sums",
              "'" + s + "' is neither 64 hex digits nor SKIP; run 'guild package --gen-checksums'");
        }
      }
      if (sums.size() != sources.size()) {
        String key = lines.containsKey("sha256sums") ? "sha256sums" : "source";
        throw error(key,
            sources.size() + " source entries but " + sums.size() + " sha256sums entries; give"
                + " one checksum (or SKIP) per source, in the same order"
                + " ('guild package --gen-checksums' prints them)");
      }
      for (int i = 0; i < sources.size(); i++) {
        Source src = Source.parse(sources.get(i));
        if (src.gitTag().isPresent() && sums.get(i).equals(GuildPkg.SKIP)) {
          throw error("sha256sums", "source '" + src.entry() + "' is pinned by a tag, which can"
              + " move: give its checksum instead of SKIP ('guild package --gen-checksums'), or"
              + " pin it with #commit=SHA");
        }
      }
      Optional<String> packager = get("packager").filter(p -> !p.isEmpty());
      if (packager.isPresent()) {
        Path p = file.getParent().resolve(packager.get()).normalize();
        if (!p.startsWith(file.getParent()) || !Files.isRegularFile(p)) {
          throw error("packager",
              "no packager file '" + packager.get() + "' in " + file.getParent()
                  + "; create it or remove the key");
        }
      }
      Map<String, String> refs = new LinkedHashMap<>();
      Profile.Section r = ini.get(REFERENCES);
      if (r != null) {
        r.keySet().forEach(k -> refs.put(k, r.get(k) == null ? "" : r.get(k).strip()));
      }
      Map<String, Integer> keyLines = new HashMap<>(lines);
      keyLines.keySet().removeIf(k -> k.startsWith("["));
      return new GuildPkg(file, name, version, type, get("description").orElse(""),
          words(get("tags").orElse("")), get("license").orElse(""), requires, sources, sums,
          packager, refs, keyLines);
    }

    private void warnAboutUnknownKeys() {
      for (String section : ini.keySet()) {
        Profile.Section s = ini.get(section);
        for (String key : s.keySet()) {
          boolean known = section.equals(REFERENCES)
              || (section.equals(PACKAGE) && PACKAGE_KEYS.contains(key));
          if (!known) {
            LOG.warn("{}:{}: unknown key '{}' in [{}] is ignored", file,
                lines.getOrDefault(qualified(section, key), 0), key, section);
          }
        }
      }
    }

    /** Runs one parse, turning its error into one naming this file, the key and its line. */
    private <T> T check(String key, java.util.function.Supplier<T> parse) {
      try {
        return parse.get();
      } catch (GuildException e) {
        throw error(key, e.getMessage());
      }
    }

    private Optional<String> get(String key) {
      if (pkg == null) {
        return Optional.empty();
      }
      String v = pkg.get(key);
      return v == null ? Optional.empty() : Optional.of(v.strip());
    }

    private String required(String key) {
      return get(key).filter(v -> !v.isEmpty()).orElseThrow(() -> error(key,
          "missing; add '" + key + " = ...' under [package]"));
    }

    private GuildException error(String key, String problem) {
      Integer line = lines.get(key);
      if (line == null) {
        line = lines.getOrDefault("[" + PACKAGE + "]", 1);
      }
      return new GuildException(file + ":" + line + ": " + key + ": " + problem);
    }
  }

  /** Whitespace-separated entries of a (possibly continued) value. */
  static List<String> words(String value) {
    String v = value.strip();
    return v.isEmpty() ? List.of() : Arrays.asList(v.split("\\s+"));
  }
}
