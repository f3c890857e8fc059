/**
 * File primitives shared by the store, the builder, the download cache and the mirrors: the
 * sha256 of a file, atomic writes (temporary file, fsync, rename), recursive deletion that never
 * follows links, and a lock that excludes both other threads and other processes
 * ({@link org.guildpkg.io.PathLock}). Written once here so that every caller gets the same care.
 */
package org.guildpkg.io;
