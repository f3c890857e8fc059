package org.guildpkg.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.guildpkg.GuildException;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;

/**
 * What a package is: every GuildPkg field plus the type-specific interface data that packaging
 * found (a model's signatures, a dataset's splits and features, a model's lineage and metrics).
 *
 * <p>It travels inside the archive ({@link PackageFormat#MANIFEST}), in the mirror index and in
 * the store. Its JSON form has sorted keys and no clock time unless {@code buildDate} is set, so
 * that building twice gives identical bytes.
 *
 * @param interfaceData type-specific data; a fresh empty object when there is none. Keys used by
 *     tf-runtime: {@code signatures}, {@code splits}, {@code features}, {@code classes},
 *     {@code lineage}, {@code metrics}, {@code flags}.
 * @param sha256sums the GuildPkg's checksums, one per source ({@code SKIP} allowed); empty when
 *     the manifest was not made from a GuildPkg
 * @param packager the GuildPkg's packager file name, when it names one
 * @param buildDate ISO-8601 UTC build time, present only when {@code SOURCE_DATE_EPOCH} was set
 */
public record Manifest(
    PackageName name,
    Version version,
    PackageType type,
    String description,
    List<String> tags,
    String license,
    List<Requirement> requires,
    List<String> sources,
    List<String> sha256sums,
    Optional<String> packager,
    Map<String, String> references,
    Optional<String> buildDate,
    ObjectNode interfaceData) {

  /** Copies the collections and checks that required parts are present. */
  public Manifest {
    if (name == null || version == null || type == null) {
      throw new IllegalArgumentException("name, version and type are required");
    }
    description = description == null ? "" : description;
    license = license == null ? "" : license;
    tags = List.copyOf(tags == null ? List.of() : tags);
    requires = List.copyOf(requires == null ? List.of() : requires);
    sources = List.copyOf(sources == null ? List.of() : sources);
    sha256sums = List.copyOf(sha256sums == null ? List.of() : sha256sums);
    packager = packager == null ? Optional.empty() : packager;
    references = Map.copyOf(references == null ? Map.of() : references);
    buildDate = buildDate == null ? Optional.empty() : buildDate;
    interfaceData = interfaceData == null ? JsonNodeFactory.instance.objectNode() : interfaceData;
  }

  /**
   * A manifest not made from a GuildPkg (tests, generated packages): no checksums, no packager.
   */
  public Manifest(
      PackageName name,
      Version version,
      PackageType type,
      String description,
      List<String> tags,
      String license,
      List<Requirement> requires,
      List<String> sources,
      Map<String, String> references,
      Optional<String> buildDate,
      ObjectNode interfaceData) {
    this(name, version, type, description, tags, license, requires, sources, List.of(),
        Optional.empty(), references, buildDate, interfaceData);
  }

  /** The {@code NAME-VERSION} stem used in archive and folder names. */
  public String id() {
    return name + "-" + version;
  }

  /** A copy with other interface data. */
  public Manifest withInterfaceData(ObjectNode data) {
    return new Manifest(
        name, version, type, description, tags, license, requires, sources, sha256sums,
        packager, references, buildDate, data);
  }

  /** The manifest as a JSON object with a fixed key order. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("name", name.value());
    o.put("version", version.value());
    o.put("type", type.id());
    o.put("description", description);
    ArrayNode t = o.putArray("tags");
    tags.forEach(t::add);
    o.put("license", license);
    ArrayNode r = o.putArray("requires");
    requires.forEach(q -> r.add(q.toString()));
    ArrayNode s = o.putArray("sources");
    sources.forEach(s::add);
    ArrayNode sums = o.putArray("sha256sums");
    sha256sums.forEach(sums::add);
    packager.ifPresent(p -> o.put("packager", p));
    ObjectNode refs = o.putObject("references");
    new TreeMap<>(references).forEach(refs::put);
    buildDate.ifPresent(d -> o.put("buildDate", d));
    o.set("interface", interfaceData.deepCopy());
    return o;
  }

  /**
   * Reads a manifest from its JSON form.
   *
   * @param where names the source in error messages (an archive path, a mirror URL)
   */
  public static Manifest fromJson(JsonNode o, String where) {
    try {
      if (o == null || !o.isObject()) {
        throw new GuildException(where + ": manifest is not a JSON object");
      }
      Map<String, String> refs = new LinkedHashMap<>();
      o.path("references").fields().forEachRemaining(e -> refs.put(e.getKey(), e.getValue().asText()));
      List<Requirement> requires = new ArrayList<>();
      o.path("requires").forEach(q -> requires.addAll(Requirement.parseList(q.asText())));
      JsonNode iface = o.path("interface");
      return new Manifest(
          PackageName.of(text(o, "name", where)),
          Version.parse(text(o, "version", where)),
          PackageType.of(text(o, "type", where)),
          o.path("description").asText(""),
          strings(o.path("tags")),
          o.path("license").asText(""),
          requires,
          strings(o.path("sources")),
          strings(o.path("sha256sums")),
          o.hasNonNull("packager") ? Optional.of(o.get("packager").asText()) : Optional.empty(),
          refs,
          o.hasNonNull("buildDate") ? Optional.of(o.get("buildDate").asText()) : Optional.empty(),
          iface.isObject() ? ((ObjectNode) iface).deepCopy() : null);
    } catch (GuildException e) {
      if (e.getMessage().startsWith(where)) {
        throw e;
      }
      throw new GuildException(where + ": bad manifest: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode o, String key, String where) {
    JsonNode v = o.get(key);
    if (v == null || !v.isTextual()) {
      throw new GuildException(where + ": manifest has no '" + key + "'");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
