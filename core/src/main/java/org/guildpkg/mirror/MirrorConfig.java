package org.guildpkg.mirror;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.net.URI;
import org.guildpkg.transport.Credentials;
import org.guildpkg.transport.TransportContext;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.store.HomeLayout;
import org.guildpkg.transport.AtomicFiles;
import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.Profile;

/**
 * The mirrors in {@code $GUILD_HOME/config}, an INI file, in the order they are asked for
 * packages (the first that has a package wins):
 *
 * <pre>
 * [mirror.main]
 * url = https://mirror.example.org/guild/
 * key = MCowBQYDK2VwAyEA...        ; base64 X.509 Ed25519 public key (optional)
 * token = ...                       ; HTTP credentials (optional): a bearer token,
 * ; user = ... and password = ...   ; or a user and password; the file must then be mode 0600
 * </pre>
 *
 * <p>A file holding a {@code token} or {@code password} that its group or others may read is
 * refused, with the {@code chmod} to run. Credentials may also come from the environment or
 * {@code ~/.netrc}; see {@link #context(MirrorSpec, boolean)}.
 *
 * <p>Other sections of the file are kept as they are. Every change is written to a temporary file
 * and renamed over the old one.
 */
public final class MirrorConfig {
  /** The configuration file's name in {@code $GUILD_HOME}. */
  public static final String FILE = "config";
  private static final String PREFIX = "mirror.";

  private final Path file;
  private final Ini ini;

  private MirrorConfig(Path file, Ini ini) {
    this.file = file;
    this.ini = ini;
  }

  /** Reads {@code home/config}; a missing file is an empty configuration. */
  public static MirrorConfig load(Path home) {
    return load(HomeLayout.of(home));
  }

  /** Reads the configuration file of the home {@code layout}; a missing file is empty. */
  public static MirrorConfig load(HomeLayout layout) {
    Path file = layout.config();
    Ini ini = new Ini();
    Config c = ini.getConfig().clone();
    c.setTree(false);
    c.setEscape(false);
    ini.setConfig(c);
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        ini.load(r);
      } catch (IOException e) {
        throw new GuildException("cannot read " + file + ": " + GuildException.reason(e), e);
      }
      checkSecretsArePrivate(file, ini);
    }
    return new MirrorConfig(file, ini);
  }

  /** Refuses a config file holding secrets that its group or others can read. */
  private static void checkSecretsArePrivate(Path file, Ini ini) {
    boolean secrets = ini.keySet().stream().filter(k -> k.startsWith(PREFIX))
        .map(ini::get).anyMatch(s -> s.containsKey("token") || s.containsKey("password"));
    if (!secrets) {
      return;
    }
    try {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      java.util.Set<java.nio.file.attribute.PosixFilePermission> shared = java.util.EnumSet.copyOf(perms);
      shared.removeAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
          java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
          java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));
      if (!shared.isEmpty()) {
        throw new GuildException(file + " holds mirror credentials but others may read it (mode "
            + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own access control applies
    } catch (IOException e) {
      throw new GuildException("cannot read the mode of " + file + ": " + GuildException.reason(e), e);
    }
  }

  /**
   * The transport context of a configured mirror: its name and its credentials, from the
   * environment, its section of this file, or {@code ~/.netrc} (see {@link MirrorCredentials}).
   */
  public TransportContext context(MirrorSpec mirror, boolean offline) {
    Map<String, String> env = System.getenv();
    String section = PREFIX + mirror.name();
    Map<String, String> keys = ini.containsKey(section) ? new java.util.HashMap<>(ini.get(section)) : Map.of();
    String host = mirror.url().getHost();
    return new TransportContext(Optional.of(mirror.name()), offline,
        MirrorCredentials.find(mirror.name(), host, env, keys, file + " [" + section + "]",
            MirrorCredentials.defaultNetrc(env)),
        MirrorCredentials.help(mirror.name(), file, host == null ? "HOST" : host));
  }

  /**
   * The transport context for a mirror URL given on the command line: the credentials of a
   * configured mirror with that URL, else of its host in {@code ~/.netrc}.
   */
  public TransportContext context(URI url, boolean offline) {
    Optional<MirrorSpec> named = mirrors().stream().filter(m -> m.url().equals(url)).findFirst();
    if (named.isPresent()) {
      return context(named.get(), offline);
    }
    Map<String, String> env = System.getenv();
    Optional<Credentials> netrc = url.getHost() == null ? Optional.empty()
        : MirrorCredentials.netrc(MirrorCredentials.defaultNetrc(env), url.getHost());
    return new TransportContext(Optional.empty(), offline, netrc,
        "configure it with 'guild mirror add NAME " + url + "', give it credentials (GUILD_MIRROR_NAME_TOKEN,"
            + " its config section or ~/.netrc) and publish with --mirror NAME");
  }

  /** The configured mirrors, in order. */
  public List<MirrorSpec> mirrors() {
    List<MirrorSpec> out = new ArrayList<>();
    for (String section : ini.keySet()) {
      if (!section.startsWith(PREFIX)) {
        continue;
      }
      Profile.Section s = ini.get(section);
      String name = section.substring(PREFIX.length());
      String where = file + " [" + section + "]";
      String url = s.get("url");
      if (url == null) {
        throw new GuildException(where + " has no 'url'; fix it or run 'guild mirror remove " + name + "'");
      }
      String key = s.get("key");
      out.add(new MirrorSpec(name, MirrorSpec.parseUrl(url.strip()),
          key == null || key.isBlank() ? Optional.empty()
              : Optional.of(SigningKeys.parsePublic(key, where + " key"))));
    }
    return out;
  }

  /** The mirror called {@code name}. */
  public Optional<MirrorSpec> mirror(String name) {
    return mirrors().stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * Adds a mirror after the others and saves the file.
   *
   * @throws GuildException when a mirror of that name exists
   */
  public void add(MirrorSpec mirror) {
    if (ini.containsKey(PREFIX + mirror.name())) {
      throw new GuildException(
          "mirror '" + mirror.name() + "' exists already in " + file + "; remove it first");
    }
    Profile.Section s = ini.add(PREFIX + mirror.name());
    s.put("url", mirror.url().toString());
    mirror.key().ifPresent(k -> s.put("key", SigningKeys.toText(k)));
    save();
  }

  /**
   * Removes a mirror and saves the file.
   *
   * @throws GuildException naming the configured mirrors when there is none of that name
   */
  public void remove(String name) {
    if (ini.remove(PREFIX + name) == null) {
      throw new GuildException(
          "no mirror named '" + name + "' in " + file + "; configured: "
              + mirrors().stream().map(MirrorSpec::name).toList());
    }
    save();
  }

  private void save() {
    StringWriter w = new StringWriter();
    try {
      ini.store(w);
    } catch (IOException e) {
      throw new GuildException("cannot write " + file + ": " + GuildException.reason(e), e);
    }
    AtomicFiles.write(file, w.toString().getBytes(StandardCharsets.UTF_8));
  }

}
