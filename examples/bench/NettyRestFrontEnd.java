package org.guildpkg.tf.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.guildpkg.tf.model.SavedModel;

/**
 * A measurement prototype, not a server to deploy: the REST API of {@link ModelServer} (the same
 * {@code RestApi}, predictor and batching) behind a bare Netty event-loop HTTP front end, written to
 * measure one against the JDK's HTTP server that ModelServer used then (see rest-front-end.sh). Two epoll
 * I/O threads read and parse requests and write answers; the API runs on a pool of THREADS. It has
 * none of ModelServer's limits or protections (in-flight budget, slow-client time limits, 415, the
 * metrics endpoint): it answers predict and status calls and nothing is hardened.
 *
 * <p>Usage: {@code NettyRestFrontEnd SAVED_MODEL_DIR NAME PORT THREADS batching|off}; prints
 * {@code listening on http://127.0.0.1:PORT} once it serves (PORT 0: an ephemeral one), as
 * {@code guild serve} does.
 */
public final class NettyRestFrontEnd {
  public static void main(String[] args) throws Exception {
    SavedModel model = SavedModel.open(Path.of(args[0]));
    ModelServer.Builder b = ModelServer.builder();
    if (args[4].equals("batching")) {
      b.batching(new ModelServer.Batching(64, Duration.ZERO));
    }
    ModelServer server = b.start(); // its own server listens on an unused ephemeral port
    server.add(args[1], 1, model);
    RestApi api = new RestApi(server.predictor(), ModelServer.DEFAULT_MAX_BODY_BYTES);
    ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(args[3]), r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    });
    EventLoopGroup boss = new EpollEventLoopGroup(1);
    EventLoopGroup io = new EpollEventLoopGroup(2);
    io.netty.channel.Channel ch = new ServerBootstrap().group(boss, io).channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(),
                new HttpObjectAggregator((int) ModelServer.DEFAULT_MAX_BODY_BYTES),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    byte[] body = ByteBufUtil.getBytes(req.content());
                    String method = req.method().name();
                    String path = new QueryStringDecoder(req.uri()).rawPath();
                    pool.execute(() -> answer(ctx, api.handle(method, path, body)));
                  }
                });
          }
        }).bind("127.0.0.1", Integer.parseInt(args[2])).sync().channel();
    System.out.println("listening on http://127.0.0.1:"
        + ((java.net.InetSocketAddress) ch.localAddress()).getPort());
  }

  private static void answer(ChannelHandlerContext ctx, RestApi.Reply reply) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      reply.body().writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = out.toByteArray();
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    ctx.writeAndFlush(r);
  }
}
