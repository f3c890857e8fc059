/**
 * Classifying examples and images with a model package and naming the classes: {@link
 * org.guildpkg.tf.classify.Classifier} (top-1 {@link org.guildpkg.tf.classify.Prediction}s, top-K
 * {@link org.guildpkg.tf.classify.ClassProbability} lists, encoded images for image models).
 *
 * <p>May depend on core and {@code tf.model}; never on training, serving or the CLI.
 */
package org.guildpkg.tf.classify;
