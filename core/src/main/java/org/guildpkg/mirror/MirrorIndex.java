package org.guildpkg.mirror;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.guildpkg.GuildException;
import org.guildpkg.spec.LabelSpec;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;

/**
 * A mirror's {@code index.json}: a format version, a {@code serial} that grows with every
 * publish, every published package version ({@link IndexEntry}), and the mirror's labels.
 *
 * <pre>
 * {"format": 1, "serial": 7, "packages": [{"name": "fashion-mnist", "version": "1.0", ...,
 *   "file": "packages/fashion-mnist/fashion-mnist-1.0.pkg.tar.zst", "size": 123, "sha256": "..."}],
 *  "labels": {"stable": {"fashion-mnist": "1.0"}}}
 * </pre>
 *
 * <p>A label ({@code stable}, {@code best}, any name valid by
 * {@link org.guildpkg.spec.LabelSpec#isValidLabel}) maps package names to one version each, a
 * version the index lists; {@code NAME@LABEL} specs resolve through it. Labels live in the signed
 * index, so they change only by a signed index update, like everything else. An index without
 * labels has no {@code labels} key (older readers ignore the key).
 *
 * <p>Entries are kept sorted by name, then version, and labels by name, so that the same content
 * always gives the same bytes. Immutable.
 */
public final class MirrorIndex {
  /** The index format this code writes and reads. */
  public static final int FORMAT = 1;
  /** The index's file name in a mirror. */
  public static final String FILE = "index.json";
  /** The signature's file name in a mirror. */
  public static final String SIGNATURE_FILE = "index.json.sig";
  /** The longest signature file read (an Ed25519 signature is a few dozen bytes). */
  public static final long MAX_SIGNATURE_BYTES = 64 * 1024;
  /** The longest index read unless {@code GUILD_MAX_INDEX_BYTES} says otherwise: 256 MiB. */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;

  /**
   * The longest index read from a mirror: the environment variable {@code GUILD_MAX_INDEX_BYTES}
   * or the system property {@code guild.maxIndexBytes} (a number of bytes), else
   * {@link #DEFAULT_MAX_BYTES}. A longer index is refused while it streams in.
   */
  public static long maxBytes() {
    String v = System.getProperty("guild.maxIndexBytes", System.getenv("GUILD_MAX_INDEX_BYTES"));
    if (v == null || v.isBlank()) {
      return DEFAULT_MAX_BYTES;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n > 0 && n <= Integer.MAX_VALUE - 8) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error
    }
    throw new GuildException("GUILD_MAX_INDEX_BYTES must be a number of bytes from 1 to "
        + (Integer.MAX_VALUE - 8) + ", not '" + v + "'");
  }

  private static final ObjectMapper JSON = new ObjectMapper(new JsonFactory())
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final Comparator<IndexEntry> ORDER =
      Comparator.comparing(IndexEntry::name).thenComparing(IndexEntry::version);

  private final long serial;
  private final List<IndexEntry> packages;
  private final Map<PackageName, List<IndexEntry>> byName;
  private final SortedMap<String, SortedMap<PackageName, Version>> labels;

  private MirrorIndex(long serial, List<IndexEntry> packages) {
    this(serial, packages, Map.of());
  }

  private MirrorIndex(long serial, List<IndexEntry> packages,
      Map<String, ? extends Map<PackageName, Version>> labels) {
    this.serial = serial;
    List<IndexEntry> sorted = new ArrayList<>(packages);
    sorted.sort(ORDER);
    this.packages = Collections.unmodifiableList(sorted);
    Map<PackageName, List<IndexEntry>> map = new HashMap<>();
    for (IndexEntry e : this.packages) {
      map.computeIfAbsent(e.name(), n -> new ArrayList<>()).add(e);
    }
    this.byName = map;
    SortedMap<String, SortedMap<PackageName, Version>> l = new TreeMap<>();
    labels.forEach((label, names) -> {
      LabelSpec.checkLabel(label);
      names.forEach((name, version) -> {
        if (versions(name).stream().noneMatch(e -> e.version().equals(version))) {
          throw new GuildException("label '" + label + "' names " + name + "@" + version
              + ", which the index does not list");
        }
      });
      if (!names.isEmpty()) {
        l.put(label, Collections.unmodifiableSortedMap(new TreeMap<>(names)));
      }
    });
    this.labels = Collections.unmodifiableSortedMap(l);
  }

  /** An index with no packages and serial 0, for a new mirror. */
  public static MirrorIndex empty() {
    return new MirrorIndex(0, List.of());
  }

  /** An index with the given serial and entries. */
  public static MirrorIndex of(long serial, List<IndexEntry> packages) {
    return new MirrorIndex(serial, packages);
  }

  /** The serial number; a newer publish has a higher one. */
  public long serial() {
    return serial;
  }

  /** Every entry, sorted by name then version. */
  public List<IndexEntry> packages() {
    return packages;
  }

  /** The entries of one package, oldest version first; empty when the mirror lacks it. */
  public List<IndexEntry> versions(PackageName name) {
    return byName.getOrDefault(name, List.of());
  }

  /** The entry of one package version. */
  public Optional<IndexEntry> find(PackageName name, Version version) {
    return versions(name).stream().filter(e -> e.version().equals(version)).findFirst();
  }

  /** Every label, sorted, each with the version it names per package; empty when there are none. */
  public SortedMap<String, SortedMap<PackageName, Version>> labels() {
    return labels;
  }

  /** The version {@code label} names for {@code name}, if it names one. */
  public Optional<Version> label(String label, PackageName name) {
    return Optional.ofNullable(labels.getOrDefault(label, Collections.emptySortedMap()).get(name));
  }

  /**
   * A copy with {@code entry} added (replacing the same name and version) and another serial;
   * the labels are kept.
   */
  public MirrorIndex with(List<IndexEntry> added, long newSerial) {
    Map<String, IndexEntry> all = new HashMap<>();
    packages.forEach(e -> all.put(e.manifest().id(), e));
    added.forEach(e -> all.put(e.manifest().id(), e));
    return new MirrorIndex(newSerial, new ArrayList<>(all.values()), labels);
  }

  /**
   * A copy (same serial) in which {@code label} names {@code version} of {@code name}, or no
   * version of it when {@code version} is empty.
   *
   * @throws GuildException when the label is invalid or the index does not list the version
   */
  public MirrorIndex withLabel(String label, PackageName name, Optional<Version> version) {
    Map<String, Map<PackageName, Version>> copy = new TreeMap<>();
    labels.forEach((l, names) -> copy.put(l, new TreeMap<>(names)));
    Map<PackageName, Version> names = copy.computeIfAbsent(LabelSpec.checkLabel(label), l -> new TreeMap<>());
    version.ifPresentOrElse(v -> names.put(name, v), () -> names.remove(name));
    return new MirrorIndex(serial, packages, copy);
  }

  /** The index as the bytes of {@code index.json}. */
  public byte[] toBytes() {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("serial", serial);
    ArrayNode arr = o.putArray("packages");
    packages.forEach(e -> arr.add(e.toJson()));
    if (!labels.isEmpty()) {
      ObjectNode l = o.putObject("labels");
      labels.forEach((label, names) -> {
        ObjectNode n = l.putObject(label);
        names.forEach((name, version) -> n.put(name.value(), version.value()));
      });
    }
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new GuildException("cannot write an index: " + GuildException.reason(e), e);
    }
  }

  /**
   * Parses {@code index.json}.
   *
   * @param where names the index (its URL or cache file) in error messages
   */
  public static MirrorIndex parse(byte[] bytes, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new GuildException(where + ": not a valid index (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new GuildException(where + ": not a valid index (expected a JSON object)");
    }
    int format = root.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new GuildException(
          where + ": index format " + root.path("format") + " is not supported (expected " + FORMAT
              + "); upgrade guild");
    }
    JsonNode serial = root.get("serial");
    if (serial == null || !serial.canConvertToLong() || serial.asLong() < 0) {
      throw new GuildException(where + ": index has no valid 'serial'");
    }
    List<IndexEntry> entries = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (JsonNode p : root.path("packages")) {
      IndexEntry e = IndexEntry.fromJson(p, where);
      // Two entries for one version would let the mirror serve either archive as "the" one.
      if (!seen.add(e.name() + "@" + e.version())) {
        throw new GuildException(where + ": index lists " + e.name() + "@" + e.version()
            + " twice; refusing the index");
      }
      entries.add(e);
    }
    Map<String, Map<PackageName, Version>> labels = new TreeMap<>();
    JsonNode l = root.path("labels");
    if (!l.isMissingNode() && !l.isObject()) {
      throw new GuildException(where + ": index 'labels' is not an object; refusing the index");
    }
    try {
      l.fields().forEachRemaining(label -> {
        Map<PackageName, Version> names = labels.computeIfAbsent(LabelSpec.checkLabel(label.getKey()), k -> new TreeMap<>());
        if (!label.getValue().isObject()) {
          throw new GuildException("label '" + label.getKey() + "' is not an object of NAME: VERSION");
        }
        label.getValue().fields().forEachRemaining(n -> {
          if (!n.getValue().isTextual()) {
            throw new GuildException("label '" + label.getKey() + "' gives " + n.getKey() + " no version text");
          }
          names.put(PackageName.of(n.getKey()), Version.parse(n.getValue().asText()));
        });
      });
      return new MirrorIndex(serial.asLong(), entries, labels);
    } catch (GuildException e) {
      throw new GuildException(where + ": " + e.getMessage() + "; refusing the index", e);
    }
  }
}
