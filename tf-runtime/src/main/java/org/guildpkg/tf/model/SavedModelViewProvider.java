package org.guildpkg.tf.model;

import java.util.Set;
import org.guildpkg.GuildPackage;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageViewProvider;

/** Gives {@code pkg.as(SavedModel.class)} for model packages, whose folder holds the SavedModel. */
public final class SavedModelViewProvider implements PackageViewProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public SavedModelViewProvider() {}

  @Override
  public Class<?> viewType() {
    return SavedModel.class;
  }

  @Override
  public Set<PackageType> packageTypes() {
    return Set.of(PackageType.MODEL);
  }

  @Override
  public Object open(GuildPackage pkg) {
    return SavedModel.open(pkg.path(), pkg + " (" + pkg.path() + ")");
  }
}
