/**
 * The {@code guild} command line: {@link org.guildpkg.cli.GuildCli} (global options, logging set
 * up for a terminal, exit statuses) and core's subcommands. Only this package (and the CLI
 * commands of other modules) prints; the libraries log through SLF4J.
 */
package org.guildpkg.cli;
