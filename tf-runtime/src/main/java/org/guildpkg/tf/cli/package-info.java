/**
 * The {@code guild} command's TensorFlow subcommands (check, deploy, model import, predict, serve,
 * tfrecord), added to the CLI through {@link org.guildpkg.tf.cli.TfCliExtension}.
 */
package org.guildpkg.tf.cli;
