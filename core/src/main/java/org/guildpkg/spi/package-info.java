/**
 * The extension points other modules implement, found by {@link java.util.ServiceLoader}: {@link
 * org.guildpkg.spi.PackageInspector} (fills a package's interface data while it is packed, and
 * summarises it for {@code guild info}), {@link org.guildpkg.spi.PackageViewProvider} (typed views
 * such as {@code SavedModel}), {@link org.guildpkg.spi.CliExtension} (more {@code guild}
 * subcommands). Transports have their own SPI, {@code transport.TransportFactory}.
 *
 * <p>May depend on {@code spec}, {@code archive} and the root package; never on {@code cli} or an
 * implementation.
 */
package org.guildpkg.spi;
