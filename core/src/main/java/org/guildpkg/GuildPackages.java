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
 * <p>The static methods use the default home ({@code $GUILD_HOME}, else {@code $HOME/.guild}) and
 * {@code GUILD_OFFLINE=1}; {@link #at(Path)} gives a {@link GuildHome} on any folder. The library
 * logs through SLF4J and prints nothing; failures are {@link GuildException}s.
 */
public final class GuildPackages {
  private GuildPackages() {}

  /**
   * The default home folder: {@code $GUILD_HOME}, else {@code $HOME/.guild}, else
   * {@code ~/.guild} as the JVM's {@code user.home} says. {@code $HOME} comes before
   * {@code user.home} because the JVM takes that one from the password database and ignores
   * {@code HOME=/tmp/x guild list}. {@code XDG_DATA_HOME} is not followed: the home stays
   * {@code ~/.guild}, as Guild AI's is (see docs/home.md).
   */
  public static Path defaultHome() {
    return defaultHome(System::getenv, System.getProperty("user.home"));
  }

  /** {@link #defaultHome()} with the environment and {@code user.home} given, for tests. */
  static Path defaultHome(java.util.function.UnaryOperator<String> env, String userHome) {
    String guildHome = env.apply("GUILD_HOME");
    if (guildHome != null && !guildHome.isBlank()) {
      return Path.of(guildHome).toAbsolutePath();
    }
    String home = env.apply("HOME");
    return Path.of(home != null && !home.isBlank() ? home : userHome, ".guild").toAbsolutePath();
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

  /**
   * Like {@link #load(String)}, reporting the download and install of anything it installs to
   * {@code progress}, as DJL's {@code Criteria.optProgress}; see {@link LoadProgress}.
   */
  public static GuildPackage load(String spec, LoadProgress progress) {
    return atDefaultHome().load(spec, progress);
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
