package org.guildpkg.tf.serve;

/**
 * A protocol a {@link ModelServer} serves beside its REST API, through the same {@link Predictor}:
 * found with {@link java.util.ServiceLoader} by {@link #name()}, so that a module such as
 * {@code guild-grpc} (TensorFlow Serving's gRPC API) plugs in when it is on the class path and
 * programs that serve only REST do not carry its dependencies.
 */
public interface ServingProtocol {
  /** The protocol's name, such as {@code grpc}. */
  String name();

  /**
   * Starts serving {@code predictor} on {@code host}:{@code port} (0: an ephemeral port).
   *
   * @param maxMessageBytes the largest request message accepted
   * @param threads the most calls handled at once
   * @throws org.guildpkg.GuildException when the address cannot be bound
   */
  Endpoint start(Predictor predictor, String host, int port, long maxMessageBytes, int threads);

  /** A running protocol endpoint; closing it stops serving. */
  interface Endpoint extends AutoCloseable {
    /** The port it listens on. */
    int port();

    /** Stops accepting calls and ends those running, waiting briefly for them. */
    @Override
    void close();
  }
}
