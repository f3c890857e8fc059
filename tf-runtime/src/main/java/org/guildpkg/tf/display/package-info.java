/**
 * Rich display of models, datasets and training progress in notebooks: HTML tables of a model's
 * signatures and a dataset's features, splits and classes ({@link
 * org.guildpkg.tf.display.HtmlTables}), dataset images as a PNG grid ({@link
 * org.guildpkg.tf.display.ImageGrid}) and line plots such as loss per step ({@link
 * org.guildpkg.tf.display.LinePlot}), drawn with {@code java.awt} in memory.
 *
 * <p>Each gives a {@link org.guildpkg.tf.display.MimeBundle} (MIME type to data, as Jupyter's
 * display messages carry it) and needs no notebook library. {@link
 * org.guildpkg.tf.display.Notebook} wraps them for Java kernels built on
 * {@code jupyter-jvm-basekernel} (IJava): the one class here that needs that optional dependency.
 *
 * <p>May depend on core, {@code tf.data} and {@code tf.model}; never on training, serving or the
 * CLI.
 *
 * <pre>{@code
 * %maven org.guildpkg:guild-tf-runtime:0.1.0-SNAPSHOT
 * import org.guildpkg.tf.display.Notebook;
 * display(Notebook.images(data.split("test"), 16));
 * }</pre>
 */
package org.guildpkg.tf.display;
