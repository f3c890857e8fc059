/**
 * Serving SavedModels in the JVM over TensorFlow Serving's REST API ({@link
 * org.guildpkg.tf.serve.ModelServer}): the model registry, request batching, body and in-flight
 * limits, and the JSON mapping of tensors and {@code tf.Example}s.
 *
 * <p>May depend on core and {@code tf.model}; never on training,
 * projects or the CLI.
 */
package org.guildpkg.tf.serve;
