/**
 * Test support shared by tf-runtime's tests and, through tf-runtime's test jar
 * ({@code guild-tf-runtime} type {@code test-jar}, test scope), by the examples' tests: {@link
 * org.guildpkg.tf.testsupport.Fixtures} (the vendored TensorFlow Serving SavedModels,
 * Fashion-MNIST's test split, a centroid classifier) and {@link
 * org.guildpkg.tf.testsupport.FashionMnistFiles} (Debian's Fashion-MNIST files). Core's test jar
 * adds the in-process CLI ({@code CliRun}), test packages, nginx and curl.
 */
package org.guildpkg.tf.testsupport;
