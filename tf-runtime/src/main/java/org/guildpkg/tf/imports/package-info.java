/**
 * Importing upstream image classifiers (TensorFlow Lite flatbuffers, frozen TensorFlow GraphDefs)
 * as SavedModels that take encoded images, with their image interface: {@link
 * org.guildpkg.tf.imports.ModelImports}, and the inspector that records that interface in a
 * package's manifest.
 *
 * <p>May depend on core (exceptions, manifests, the inspector SPI) and TensorFlow Java; never on
 * training, serving or the CLI.
 */
package org.guildpkg.tf.imports;
