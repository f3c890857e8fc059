package org.guildpkg;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.guildpkg.mirror.Search;

/**
 * The entry point for programs: load a package by name in one line, installing it from the
 * configured mirrors when it is missing (unless offline).
 *
 * <pre>{@code
 * GuildPackage data = GuildPackages.load("fashion-mnist>=1.0");
 * GuildPackage model = GuildPackages.at(Path.of("/srv/guild")).load("half-plus-two@1");
 * }</pre>
 *
 * <p>The static methods use the default home ({@code $GUILD_HOME}, else {@code ~/.guild}) and
 * {@code GUILD_OFFLINE=1}; {@link #at(Path)} gives a {@link GuildHome} on any folder. The library
 * logs through SLF4J and prints nothing; failures are {@link GuildException}s.
 */
public final class GuildPackages {
  private GuildPackages() {}

  /** The default home folder: {@code $GUILD_HOME}, else {@code ~/.guild}. */
  public static Path defaultHome() {
    String env = System.getenv("GUILD_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".guild");
  }

  /** The default home, offline when {@code GUILD_OFFLINE=1}. */
  public static GuildHome atDefaultHome() {
    return new GuildHome(defaultHome(), "1".equals(System.getenv("GUILD_OFFLINE")));
  }

  /** A Guild home on {@code home} (created on first use), offline when {@code GUILD_OFFLINE=1}. */
  public static GuildHome at(Path home) {
    return new GuildHome(home, "1".equals(System.getenv("GUILD_OFFLINE")));
  }

  /**
   * The installed package that best satisfies {@code spec} in the default home; see
   * {@link GuildHome#load(String)}.
   */
  public static GuildPackage load(String spec) {
    return atDefaultHome().load(spec);
  }

  /** Installs archives or specs into the default home; see {@link GuildHome#install(String...)}. */
  public static List<GuildPackage> install(String... specs) {
    return atDefaultHome().install(specs);
  }

  /** Removes packages from the default home; see {@link GuildHome#uninstall(boolean, String...)}. */
  public static List<GuildPackage> uninstall(boolean force, String... specs) {
    return atDefaultHome().uninstall(force, specs);
  }

  /**
   * Finds packages on the default home's mirrors; see {@link GuildHome#search(String, Optional)}.
   */
  public static List<Search.Hit> search(String term) {
    return atDefaultHome().search(term, Optional.empty());
  }

  /** Every package installed in the default home. */
  public static List<GuildPackage> list() {
    return atDefaultHome().list();
  }
}
