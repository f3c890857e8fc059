/**
 * Importing upstream image classifiers (TensorFlow Lite flatbuffers, frozen TensorFlow GraphDefs)
 * as SavedModels that take encoded images, with their image interface: {@link
 * org.guildpkg.tf.imports.ModelImports}.
 */
package org.guildpkg.tf.imports;
