/**
 * tf-runtime's {@code guild} subcommands, one picocli class each: {@code train}, {@code
 * evaluate}, {@code init}, {@code demo}, {@code serve}, {@code deploy}, {@code check}, {@code
 * model import}, {@code predict} and the {@code tfrecord} converters, plugged into core's CLI by
 * {@link org.guildpkg.tf.cli.TfCliExtension} ({@code spi.CliExtension}). The only tf-runtime
 * package that prints or imports core's {@code org.guildpkg.cli}.
 *
 * <p>May depend on every tf-runtime package and on core; no other package depends on it.
 */
package org.guildpkg.tf.cli;
