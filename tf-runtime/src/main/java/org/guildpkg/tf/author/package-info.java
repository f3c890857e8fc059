/**
 * The model author's API, the one page a model author reads: a source package's Java class
 * implements {@link org.guildpkg.tf.author.ModelCode} and builds logits from {@link
 * org.guildpkg.tf.author.Features} with the helpers of {@link org.guildpkg.tf.author.Layers},
 * reading hyperparameters from {@link org.guildpkg.tf.author.Flags}.
 *
 * <p>Depends on TensorFlow Java and core's {@code GuildException} only; never on the training
 * engine, projects, serving or the CLI, so that model code compiles against a small, stable API.
 */
package org.guildpkg.tf.author;
