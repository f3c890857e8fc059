/**
 * Classifying examples with a model package and naming the classes: {@link
 * org.guildpkg.tf.classify.Classifier}.
 */
package org.guildpkg.tf.classify;
