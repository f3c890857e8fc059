package org.guildpkg.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.guildpkg.GuildException;
import org.guildpkg.tf.serve.Predictor;
import org.guildpkg.tf.serve.ServingProtocol;

/**
 * TensorFlow Serving's gRPC API as a {@link ServingProtocol} named {@code grpc}: what
 * {@code ModelServer.Builder.grpcPort} and {@code guild serve --grpc-port} start when this module
 * is on the class path (registered in {@code META-INF/services}).
 */
public final class GrpcProtocol implements ServingProtocol {
  /** For {@link java.util.ServiceLoader}. */
  public GrpcProtocol() {}

  @Override
  public String name() {
    return "grpc";
  }

  @Override
  public Endpoint start(Predictor predictor, String host, int port, long maxMessageBytes,
      int threads) {
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "guild-grpc-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes))
        .executor(pool)
        .addService(new PredictionServiceImpl(predictor))
        .addService(new ModelServiceImpl(predictor))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      pool.shutdown();
      throw new GuildException("cannot listen for gRPC on " + host + ":" + port + ": "
          + e.getMessage() + "; pick another --grpc-port or --host", e);
    }
    return new Endpoint() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public void close() {
        server.shutdown();
        try {
          if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          server.shutdownNow();
        } finally {
          pool.shutdown();
        }
      }
    };
  }
}
