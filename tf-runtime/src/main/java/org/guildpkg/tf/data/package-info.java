/**
 * Dataset packages: TFRecord files of {@code tf.train.Example} records, read and written with
 * checked CRCs ({@link org.guildpkg.tf.data.TFRecordReader}, {@link
 * org.guildpkg.tf.data.TFRecordWriter}); the {@link org.guildpkg.tf.data.Dataset} view with its
 * splits, features and classes; batching into tensors; the IDX converter; and the dataset
 * inspector that writes (and summarises) a dataset's interface data.
 *
 * <p>May depend on core ({@code archive}, {@code spec}, {@code spi}) and TensorFlow Java; never on
 * models, training, serving or the CLI.
 */
package org.guildpkg.tf.data;
