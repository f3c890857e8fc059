/**
 * The {@code guild spark} commands ({@code predict}, {@code evaluate}), added to the {@code guild}
 * CLI through core's {@link org.guildpkg.spi.CliExtension} when guild-spark is on the class path.
 */
package org.guildpkg.spark.cli;
