package org.guildpkg.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.guildpkg.spec.LabelSpec;
import org.guildpkg.spec.PackageName;

/**
 * Which installed packages follow a mirror label: {@code guild install NAME@stable} records
 * {@code NAME -> stable} here ({@code followed-labels.json} in the home), so that
 * {@code guild upgrade} moves NAME to whatever version the label names then; installing NAME by a
 * version or a plain name, or uninstalling its last version, forgets it.
 *
 * <p>The file is small JSON, {@code {"NAME": "LABEL", ...}}, replaced atomically; changes are
 * made under the store's lock ({@link Store#followLabel}).
 */
public final class FollowedLabels {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FollowedLabels() {}

  /** Every package that follows a label, with its label; empty when none does. */
  public static SortedMap<PackageName, String> read(HomeLayout layout) {
    SortedMap<PackageName, String> out = new TreeMap<>();
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(layout.followedLabels()));
      if (root != null && root.isObject()) {
        root.fields().forEachRemaining(e -> {
          if (PackageName.isValid(e.getKey()) && LabelSpec.isValidLabel(e.getValue().asText())) {
            out.put(PackageName.of(e.getKey()), e.getValue().asText());
          }
        });
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new GuildException("cannot read " + layout.followedLabels() + ": " + GuildException.reason(e)
          + "; delete it to forget which packages follow mirror labels", e);
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /** The label {@code name} follows, if any. */
  public static Optional<String> of(HomeLayout layout, PackageName name) {
    return Optional.ofNullable(read(layout).get(name));
  }

  /** Records that {@code name} follows {@code label}, or (empty) follows none; the caller holds the lock. */
  static void write(HomeLayout layout, PackageName name, Optional<String> label) {
    Map<PackageName, String> all = new TreeMap<>(read(layout));
    if (label.map(l -> l.equals(all.get(name))).orElse(!all.containsKey(name))) {
      return; // already so
    }
    label.ifPresentOrElse(l -> all.put(name, LabelSpec.checkLabel(l)), () -> all.remove(name));
    ObjectNode o = JSON.createObjectNode();
    all.forEach((n, l) -> o.put(n.value(), l));
    try {
      FileOps.writeAtomically(layout.followedLabels(), JSON.writeValueAsBytes(o));
    } catch (IOException e) {
      throw new GuildException("cannot write " + layout.followedLabels() + ": " + GuildException.reason(e), e);
    }
  }
}
