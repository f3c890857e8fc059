package org.guildpkg.mirror;

/**
 * A mirror's index as this client trusts it: fetched and checked, or read from the cache.
 *
 * @param fromCache true when the mirror was not asked (offline) or could not be reached
 */
public record LoadedIndex(MirrorSpec mirror, MirrorIndex index, boolean fromCache) {}
