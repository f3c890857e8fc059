package org.guildpkg.tf.data;

import java.util.Set;
import org.guildpkg.GuildPackage;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageViewProvider;

/** Gives {@code GuildPackage.as(Dataset.class)} for dataset packages. */
public final class DatasetViewProvider implements PackageViewProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public DatasetViewProvider() {}

  @Override
  public Class<?> viewType() {
    return Dataset.class;
  }

  @Override
  public Set<PackageType> packageTypes() {
    return Set.of(PackageType.DATASET);
  }

  @Override
  public Object open(GuildPackage pkg) {
    return Dataset.of(pkg);
  }
}
