/**
 * Classifying examples with a model package and naming the classes: {@link
 * org.guildpkg.tf.classify.Classifier}.
 *
 * <p>May depend on core and {@code tf.model}; never on training, serving or the CLI.
 */
package org.guildpkg.tf.classify;
