package org.guildpkg.cli;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Optional;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.SigningKeys;
import org.guildpkg.transport.Transport;
import picocli.CommandLine.Option;

/**
 * The options of every command that writes a mirror's index ({@code publish}, {@code label set},
 * {@code label remove}): the mirror and the key that signs the new index. A picocli mixin.
 */
final class PublishTarget {
  @Option(names = "--mirror", required = true, paramLabel = "URL",
      description = "The mirror: file:///folder, a folder path, http(s)://host/path/ accepting PUT, s3://BUCKET/PREFIX (guild-s3), or the NAME of a configured mirror (publishing with its credentials).")
  String mirror;

  @Option(names = "--key", paramLabel = "FILE",
      description = "Ed25519 private key (from 'guild key generate') to sign the index with; default: unsigned (refused by a signed mirror).")
  Path key;

  /** The transport to the mirror, with a configured mirror's credentials. */
  Transport transport(GuildCli parent) {
    return Mirrors.forPublishing(parent.home(), mirror);
  }

  /** The signing key, when {@code --key} was given. */
  Optional<PrivateKey> signingKey() {
    return Optional.ofNullable(key).map(SigningKeys::readPrivate);
  }
}
