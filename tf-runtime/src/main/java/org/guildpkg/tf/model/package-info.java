/**
 * Model packages: the {@link org.guildpkg.tf.model.SavedModel} view (signatures, calls with Java
 * values, {@link org.guildpkg.tf.model.ModelResult}), the model-package inspector that writes
 * (and summarises) the signatures, checking a model against a dataset's features, and deploying
 * into TensorFlow Serving's layout ({@link org.guildpkg.tf.model.Deployer}).
 *
 * <p>May depend on core and {@code tf.data}; never on training, serving or the CLI.
 */
package org.guildpkg.tf.model;
