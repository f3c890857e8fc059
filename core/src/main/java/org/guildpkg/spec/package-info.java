/**
 * The package definition and its values: the {@code GuildPkg} file ({@link
 * org.guildpkg.spec.GuildPkg}, {@link org.guildpkg.spec.GuildPkgParser}), names, versions,
 * version constraints and requirements, sources and the closed set of package types.
 *
 * <p>Small immutable values with static factories that check their input. Depends on nothing in
 * Guild but {@code GuildException}.
 */
package org.guildpkg.spec;
