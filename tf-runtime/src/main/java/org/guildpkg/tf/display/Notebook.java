package org.guildpkg.tf.display;

import java.util.List;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.model.SavedModel;

/**
 * Rich notebook output for Java kernels built on {@code jupyter-jvm-basekernel} (IJava): each
 * method returns a {@link NotebookDisplay} that {@code display(...)} shows as HTML or PNG.
 *
 * <pre>{@code
 * display(Notebook.dataset(data));                       // features, splits, classes
 * display(Notebook.images(data.split("test"), 16));      // a PNG grid with class names
 * display(Notebook.signatures(model));
 * display(Notebook.plot("Training loss", "step", "loss", losses));
 * }</pre>
 *
 * <p>This class and {@link NotebookDisplay} are the only ones of the package that need
 * {@code jupyter-jvm-basekernel}; outside a kernel use {@link HtmlTables}, {@link ImageGrid} and
 * {@link LinePlot} directly.
 */
public final class Notebook {
  private Notebook() {}

  /** Shows anything {@link Displayable}: a table, a grid, a plot. */
  public static NotebookDisplay show(Displayable d) {
    return new NotebookDisplay(d.toMimeBundle());
  }

  /** The model's signatures as a table ({@link HtmlTables#signatures(SavedModel)}). */
  public static NotebookDisplay signatures(SavedModel model) {
    return show(HtmlTables.signatures(model));
  }

  /** The dataset's features, splits and classes as tables ({@link HtmlTables#dataset}). */
  public static NotebookDisplay dataset(Dataset dataset) {
    return show(HtmlTables.dataset(dataset));
  }

  /** The first {@code count} images of a split with their class names ({@link ImageGrid#of(Split, int)}). */
  public static NotebookDisplay images(Split split, int count) {
    return show(ImageGrid.of(split, count));
  }

  /** A line plot of {@code ys} against 1, 2, 3, ... ({@link LinePlot#of(String, String, String, List)}). */
  public static NotebookDisplay plot(String title, String xLabel, String yLabel, List<? extends Number> ys) {
    return show(LinePlot.of(title, xLabel, yLabel, ys));
  }
}
