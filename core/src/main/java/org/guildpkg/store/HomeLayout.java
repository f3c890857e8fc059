package org.guildpkg.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.GuildException;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;

/**
 * The layout of a Guild home folder ({@code $GUILD_HOME}, default {@code ~/.guild}): the one
 * place that spells where things live in it. The store, the package builder, the package manager
 * and the mirrors take a layout instead of joining paths themselves.
 *
 * <pre>
 * config                   mirrors and their public keys (INI)
 * mirror-serials           highest index serial seen per mirror URL (rollback protection)
 * followed-labels.json     packages installed through a mirror label, which upgrade follows
 * lock                     the store's lock file
 * packages/NAME/VERSION/   installed packages
 * tmp/                     the store's work folders (made and removed under the lock)
 * builds/ID/               package builds' work folders, each locked by its build (builds/ID.lock)
 * cache/sources/           GuildPkg sources (downloads and Git clones)
 * cache/downloads/         archives downloaded from mirrors
 * cache/indexes/           mirror indexes, their search digests and validators (ETag)
 * </pre>
 *
 * @param root the home folder, absolute and normalized
 */
public record HomeLayout(Path root) {

  /** Checks the root and makes it absolute and normalized. */
  public HomeLayout {
    if (root == null) {
      throw new IllegalArgumentException("root is required");
    }
    root = root.toAbsolutePath().normalize();
  }

  /** The layout of the home folder {@code root}. */
  public static HomeLayout of(Path root) {
    return new HomeLayout(root);
  }

  /** The mirrors' configuration file, {@code config}. */
  public Path config() {
    return root.resolve("config");
  }

  /** The file remembering the highest index serial seen per mirror URL. */
  public Path serials() {
    return root.resolve("mirror-serials");
  }

  /** The packages installed through a mirror label ({@code NAME@stable}); see {@link FollowedLabels}. */
  public Path followedLabels() {
    return root.resolve("followed-labels.json");
  }

  /** The store's lock file. */
  public Path lock() {
    return root.resolve("lock");
  }

  /** The folder of installed packages, {@code packages/}. */
  public Path packages() {
    return root.resolve("packages");
  }

  /** The folder a package of this name and version is (or would be) installed in. */
  public Path packageDir(PackageName name, Version version) {
    return packages().resolve(name.value()).resolve(version.value());
  }

  /** The store's work folders, made and removed under the store's lock. */
  public Path tmp() {
    return root.resolve("tmp");
  }

  /** The package builds' work folders; see {@link BuildDirs}. */
  public Path builds() {
    return root.resolve("builds");
  }

  /** The caches, {@code cache/}: anything in it may be deleted. */
  public Path cache() {
    return root.resolve("cache");
  }

  /** The GuildPkg source cache (downloads and bare Git clones). */
  public Path sourceCache() {
    return cache().resolve("sources");
  }

  /**
   * The image features transfer-learning runs computed ({@code cache/features/PARENT/DATASET/}),
   * each {@code PARENT/DATASET} folder locked by {@code PARENT/DATASET.lock} while a run reads or
   * writes it.
   */
  public Path featureCache() {
    return cache().resolve("features");
  }

  /** The cache of archives downloaded from mirrors. */
  public Path downloadCache() {
    return cache().resolve("downloads");
  }

  /** The cache of mirror indexes. */
  public Path indexCache() {
    return cache().resolve("indexes");
  }

  /** The cached index of the mirror called {@code mirror}. */
  public Path cachedIndex(String mirror) {
    return indexCache().resolve(mirror + ".json");
  }

  /** The cached search digest of the mirror called {@code mirror}. */
  public Path cachedSearchDigest(String mirror) {
    return indexCache().resolve(mirror + ".search");
  }

  /**
   * The validators (ETag, Last-Modified) of the cached index of the mirror called {@code mirror},
   * for a conditional refresh.
   */
  public Path cachedIndexValidators(String mirror) {
    return indexCache().resolve(mirror + ".validators");
  }

  /**
   * Creates the folders of the layout.
   *
   * @throws GuildException when they cannot be created
   */
  public HomeLayout create() {
    try {
      for (Path d : List.of(packages(), tmp(), builds(), sourceCache(), downloadCache(),
          indexCache())) {
        Files.createDirectories(d);
      }
    } catch (IOException e) {
      throw new GuildException("cannot create the Guild home " + root + ": "
          + GuildException.reason(e) + "; check the path or set GUILD_HOME", e);
    }
    return this;
  }
}
