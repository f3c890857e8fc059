/**
 * Projects and runs: a project's {@code model.json} ({@link
 * org.guildpkg.tf.project.ModelDescriptor}), compiling its Java model code in-process ({@link
 * org.guildpkg.tf.project.ProjectCompiler}), projects made from source packages ({@link
 * org.guildpkg.tf.project.Projects}), run folders and the training job that fills them ({@link
 * org.guildpkg.tf.project.RunFolder}, {@link org.guildpkg.tf.project.TrainingJob}), the model
 * package a run becomes ({@link org.guildpkg.tf.project.RunPackage}), and the inspectors that
 * write source and trained-model interface data into a package's manifest.
 *
 * <p>May depend on core, {@code tf.author}, {@code tf.train} (the engine), {@code tf.data} and
 * {@code tf.model}; never on {@code tf.cli} or core's CLI.
 */
package org.guildpkg.tf.project;
