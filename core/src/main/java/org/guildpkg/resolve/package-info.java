/**
 * Resolving what to install: {@link org.guildpkg.resolve.Resolver} picks versions of the
 * requested packages and their {@code requires} from candidates ({@link
 * org.guildpkg.resolve.CandidateSource}) and orders them, without fetching anything.
 *
 * <p>May depend on {@code spec} and the mirror index's entries; never on transports, the store or
 * the CLI (resolving is kept apart from transporting and installing, as in Maven Resolver).
 */
package org.guildpkg.resolve;
