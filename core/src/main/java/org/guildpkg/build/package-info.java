/**
 * {@code guild package}: fetching and checking a GuildPkg's sources (URLs, the source search path,
 * {@code git+} VCS sources), running the bash packager's {@code prepare}, {@code build},
 * {@code check} and {@code package} functions, running the {@code spi.PackageInspector}s, and
 * writing the archive ({@link org.guildpkg.build.PackageBuilder}).
 *
 * <p>May depend on {@code spec}, {@code archive}, {@code transport} (to download sources),
 * {@code io} and {@code spi}; never on {@code store}, {@code mirror} or {@code cli}.
 */
package org.guildpkg.build;
