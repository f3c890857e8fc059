package org.guildpkg.examples.jupyter;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/**
 * What notebook code calls, as in IJava: {@code display(x)} shows {@code x} richly below the cell
 * (through the kernel's renderer, so {@code DisplayDataRenderable}s give HTML or PNG). The kernel
 * imports these statically into every session.
 */
public final class Display {
  private Display() {}

  /** Shows {@code o} in the notebook and returns its display id. */
  public static String display(Object o) {
    TestKernel k = TestKernel.instance();
    DisplayData d = k.getRenderer().render(o);
    String id = d.hasDisplayId() ? d.getDisplayId() : java.util.UUID.randomUUID().toString();
    d.setDisplayId(id);
    k.display(d);
    return id;
  }

  /** Renders {@code o} as the kernel would show it, without showing it. */
  public static DisplayData render(Object o) {
    return TestKernel.instance().getRenderer().render(o);
  }
}
