package org.guildpkg.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.guildpkg.GuildPackage;
import org.guildpkg.spec.PackageType;

/**
 * Supplies a typed view of installed packages, found through {@link ServiceLoader} (list the
 * implementation in {@code META-INF/services/org.guildpkg.spi.PackageViewProvider}).
 *
 * <p>This is how tf-runtime gives {@code GuildPackage.as(SavedModel.class)} without {@code core}
 * knowing TensorFlow.
 */
public interface PackageViewProvider {
  /** The view class that {@link GuildPackage#as(Class)} asks for. */
  Class<?> viewType();

  /** The package types this view can open. */
  Set<PackageType> packageTypes();

  /** Opens the view over an installed package; the caller closes it if it is AutoCloseable. */
  Object open(GuildPackage pkg);

  /** Every provider on the class path of this class's loader and the context loader. */
  static List<PackageViewProvider> all() {
    List<PackageViewProvider> out = new ArrayList<>();
    ServiceLoader.load(PackageViewProvider.class, PackageViewProvider.class.getClassLoader())
        .forEach(out::add);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != PackageViewProvider.class.getClassLoader()) {
      ServiceLoader.load(PackageViewProvider.class, context).forEach(p -> {
        if (out.stream().noneMatch(q -> q.getClass().getName().equals(p.getClass().getName()))) {
          out.add(p);
        }
      });
    }
    return out;
  }
}
