package org.guildpkg.mirror;

import java.net.URI;
import java.security.PublicKey;
import java.util.Optional;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;
import org.guildpkg.transport.TransportContext;
import org.guildpkg.transport.Transports;

/**
 * A configured mirror: its name, its URL and, when the user gave one, the public key its index
 * must be signed with.
 *
 * @param name letters, digits, {@code _} and {@code -}
 * @param url the mirror's root, ending with {@code /}, of a scheme some transport serves
 *     ({@link Transports#schemes()}: {@code file}, {@code http}, {@code https} and those of
 *     transport modules on the class path)
 */
public record MirrorSpec(String name, URI url, Optional<PublicKey> key) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  /** Checks the name and URL. */
  public MirrorSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new GuildException(
          "invalid mirror name '" + name + "': use letters, digits, _ and -");
    }
    url = normalise(url);
    key = key == null ? Optional.empty() : key;
  }

  /** Parses a mirror URL (or a plain folder path, taken as {@code file://}) and checks its scheme. */
  public static URI parseUrl(String text) {
    if (text == null || text.isBlank()) {
      throw new GuildException("a mirror URL is required");
    }
    if (text.contains("://") && !text.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw new GuildException("invalid mirror URL '" + text
          + "': it has '://' but no valid scheme; use " + Transports.schemeList() + ", or a folder path");
    }
    URI uri;
    try {
      uri = text.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") ? new URI(text)
          : java.nio.file.Path.of(text).toAbsolutePath().normalize().toUri();
    } catch (java.net.URISyntaxException e) {
      throw new GuildException("invalid mirror URL '" + text + "': " + e.getMessage(), e);
    }
    return normalise(uri);
  }

  private static URI normalise(URI url) {
    if (url == null) {
      throw new GuildException("a mirror URL is required");
    }
    if (url.getRawUserInfo() != null) {
      throw new GuildException("a mirror URL must not hold credentials (they would show in listings"
          + " and messages): give them with GUILD_MIRROR_<NAME>_TOKEN or _USER/_PASSWORD, the mirror's"
          + " section of $GUILD_HOME/config, or ~/.netrc");
    }
    if (!Transports.supports(url)) {
      throw Transports.unsupported(url);
    }
    // One spelling per mirror: the serial that guards against rollback is keyed by it.
    if ("file".equalsIgnoreCase(url.getScheme())) {
      String host = url.getRawAuthority();
      if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
        throw new GuildException("invalid mirror URL '" + url + "': a file:// URL names a folder"
            + " on this machine, not on host '" + host + "'; mount it and give its path");
      }
      if (url.getPath() == null || !url.getPath().startsWith("/")) {
        throw new GuildException("invalid mirror URL '" + url + "': a file: URL needs an absolute"
            + " path, such as file:///srv/mirror");
      }
      url = java.nio.file.Path.of(url.getPath()).toAbsolutePath().normalize().toUri();
    } else {
      url = url.normalize();
    }
    try {
      // Its transport checks the rest (a bucket for s3://, no host for file://); no I/O happens here.
      Transports.of(url, TransportContext.of(true));
    } catch (IllegalArgumentException e) {
      throw new GuildException("invalid mirror URL " + url + ": " + e.getMessage(), e);
    }
    String s = url.toString();
    return s.endsWith("/") ? url : URI.create(s + "/");
  }

  /** True for a mirror that is not a {@code file://} folder, which needs the network. */
  public boolean isRemote() {
    return !"file".equalsIgnoreCase(url.getScheme());
  }
}
