/**
 * The archive format {@code NAME-VERSION.pkg.tar.zst}: the {@link org.guildpkg.archive.Manifest}
 * (every GuildPkg field plus type-specific interface data), the file list with sizes and sha256
 * ({@link org.guildpkg.archive.FileEntry}), and reproducible writing and safe reading of archives.
 *
 * <p>May depend on {@code spec} and the root package's {@code GuildException}; knows nothing of
 * mirrors, the store or the CLI.
 */
package org.guildpkg.archive;
