/**
 * The training engine: {@link org.guildpkg.tf.train.TrainableModel} (builds the training and
 * inference graphs around a model author's {@code ModelCode} and exports a trainable SavedModel),
 * {@link org.guildpkg.tf.train.Trainer} (the loop, with checkpoints and {@link
 * org.guildpkg.tf.train.TrainingListener}s such as {@link org.guildpkg.tf.train.TensorBoardEvents}),
 * {@link org.guildpkg.tf.train.Evaluator}, and the examples they read ({@link
 * org.guildpkg.tf.train.ExampleSource}).
 *
 * <p>May depend on core's {@code GuildException}, {@code tf.author} and {@code tf.data}; never on
 * projects and runs ({@code tf.project}), serving or the CLI.
 */
package org.guildpkg.tf.train;
