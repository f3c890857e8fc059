/**
 * The {@code guild} command line: {@link org.guildpkg.cli.GuildCli} with the package commands
 * (package, publish, key, mirror, search, install, uninstall, upgrade, list, info, verify,
 * completion), one picocli class per subcommand; other modules add subcommands through
 * {@code spi.CliExtension}. The only core package that prints: results on stdout, progress and
 * warnings on stderr, library log lines through its own SLF4J provider ({@code CliLogging}).
 *
 * <p>May depend on every core package; no library package depends on it (tf-runtime's commands
 * live in {@code org.guildpkg.tf.cli}, the one tf-runtime package that imports it).
 */
package org.guildpkg.cli;
