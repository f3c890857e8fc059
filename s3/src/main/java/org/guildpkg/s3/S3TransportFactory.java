package org.guildpkg.s3;

import java.net.URI;
import java.util.Set;
import org.guildpkg.transport.Transport;
import org.guildpkg.transport.TransportContext;
import org.guildpkg.transport.TransportFactory;

/**
 * Serves {@code s3://BUCKET/PREFIX/} mirror URLs with an {@link S3Transport}; registered in
 * {@code META-INF/services/org.guildpkg.transport.TransportFactory}.
 */
public final class S3TransportFactory implements TransportFactory {

  /** Made by {@link java.util.ServiceLoader}. */
  public S3TransportFactory() {}

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public Transport newTransport(URI mirror, TransportContext context) {
    return new S3Transport(mirror, context);
  }
}
