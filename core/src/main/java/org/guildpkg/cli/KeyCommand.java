package org.guildpkg.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.guildpkg.mirror.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild key generate DIR}: makes an Ed25519 key pair for signing a mirror. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Manage mirror signing keys.",
    subcommands = {KeyCommand.Generate.class})
final class KeyCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Override
  public Integer call() {
    parent.spec.commandLine().getSubcommands().get("key").usage(parent.out());
    return 0;
  }

  /** {@code guild key generate DIR}. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = "Write a new Ed25519 key pair: DIR/mirror.key (private, PKCS#8 PEM, mode 0600)"
          + " and DIR/mirror.pub (public, X.509 PEM).")
  static final class Generate implements Callable<Integer> {
    @ParentCommand KeyCommand key;

    @Parameters(paramLabel = "DIR", description = "Folder to write the key files to (created if missing).")
    Path dir;

    @Override
    public Integer call() {
      SigningKeys.generate(dir);
      key.parent.out().println("private key: " + dir.resolve(SigningKeys.PRIVATE_FILE)
          + " (keep it secret; pass it to 'guild publish --key')");
      key.parent.out().println("public key:  " + dir.resolve(SigningKeys.PUBLIC_FILE)
          + " (give it to users for 'guild mirror add NAME URL --key')");
      return 0;
    }
  }
}
