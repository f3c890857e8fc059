/**
 * How files move to and from mirrors: the {@link org.guildpkg.transport.Transport} interface, the
 * {@link org.guildpkg.transport.TransportFactory} SPI keyed by URL scheme (found by
 * {@link java.util.ServiceLoader}; {@code file} and {@code http(s)} built in), the one registry of
 * schemes ({@link org.guildpkg.transport.Transports}), and resumable, verified downloads.
 *
 * <p>Depends only on {@code org.guildpkg} (the exception family) and {@code org.guildpkg.archive}
 * (sha256); knows nothing of indexes, resolving or the store.
 */
package org.guildpkg.transport;
