package org.guildpkg.tf.display;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.DisplayDataRenderable;
import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A {@link MimeBundle} that Java kernels built on {@code jupyter-jvm-basekernel} (IJava) render
 * richly: {@code display(x)} or a cell ending in {@code x} shows its HTML or PNG. Made by {@link
 * Notebook}; needs {@code jupyter-jvm-basekernel} on the class path, which the kernel brings.
 *
 * @param bundle what to show
 */
public record NotebookDisplay(MimeBundle bundle) implements DisplayDataRenderable {
  /** Checks that there is a bundle. */
  public NotebookDisplay {
    if (bundle == null) {
      throw new IllegalArgumentException("bundle is required");
    }
  }

  /** Every MIME type of the bundle. */
  @Override
  public Set<MIMEType> getSupportedRenderTypes() {
    Set<MIMEType> types = new LinkedHashSet<>();
    bundle.data().keySet().forEach(t -> types.add(MIMEType.parse(t)));
    return types;
  }

  /** Every MIME type of the bundle: the front end picks the richest it can show. */
  @Override
  public Set<MIMEType> getPreferredRenderTypes() {
    return getSupportedRenderTypes();
  }

  /** Puts each requested MIME type's data into the output. */
  @Override
  public void render(RenderContext context) {
    bundle.data().forEach((type, data) -> context.renderIfRequested(MIMEType.parse(type), () -> data));
  }

  /** The bundle as the kernel's display data, for {@code display(DisplayData)}. */
  public DisplayData toDisplayData() {
    DisplayData d = new DisplayData();
    bundle.data().forEach(d::putData);
    return d;
  }

  /** The plain-text form, which kernels also send as {@code text/plain}. */
  @Override
  public String toString() {
    return bundle.text();
  }
}
