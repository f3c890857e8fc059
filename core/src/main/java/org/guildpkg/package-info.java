/**
 * The front door of the library: {@link org.guildpkg.GuildPackages} (static shortcuts over the
 * default home), {@link org.guildpkg.GuildHome} (one handle per Guild home: load, install,
 * uninstall, upgrade, search, and the one SPEC resolver, {@link org.guildpkg.GuildHome#resolve}),
 * {@link org.guildpkg.GuildPackage} (a package's manifest and folder, and the owner of the
 * package-folder format), {@link org.guildpkg.PackageFolder} and the one exception family, {@link
 * org.guildpkg.GuildException}.
 *
 * <p>May depend on every core package except {@code cli}; never on TensorFlow or tf-runtime
 * (typed views such as {@code SavedModel} come in through {@code spi.PackageViewProvider}).
 */
package org.guildpkg;
