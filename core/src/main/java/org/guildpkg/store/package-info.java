/**
 * The local store under {@code $GUILD_HOME/packages/NAME/VERSION}: atomic installs and removals
 * guarded by a file lock ({@link org.guildpkg.store.Store}, {@link
 * org.guildpkg.io.PathLock}), safe extraction of archives, and verifying installed files
 * against their file lists.
 *
 * <p>May depend on {@code spec}, {@code archive} and {@code io}; knows nothing of mirrors,
 * transports or the CLI.
 */
package org.guildpkg.store;
