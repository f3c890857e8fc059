package org.guildpkg.tf.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.guildpkg.GuildException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 server under {@link ModelServer}'s REST API: Netty event loops read, parse and
 * write, and each request, once its headers and what has arrived of its body are in, is handed to
 * {@code handlers} as an {@link Exchange} whose body stream blocks for the rest. So a request costs
 * two thread hand-offs (to a handler and back), where the JDK's server took a selector thread, a
 * connection thread and a re-registration per request; clients that send slowly (a partial request
 * line or headers) hold no thread at all, and one that stalls a body holds only its handler thread,
 * not a handling permit.
 *
 * <p>Requests on one connection are answered in order: a pipelined request waits until the answer
 * before it is written. A request must arrive whole within {@code maxExchangeNanos} of its first
 * byte and its answer must be taken by the client within as long, else the connection is closed
 * (checked once a second); an idle keep-alive connection is closed after as long too.
 */
final class HttpFrontEnd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFrontEnd.class);
  /** A body buffered beyond this stops reading from the connection until the handler catches up. */
  private static final int HIGH_WATER = 256 * 1024;
  private static final int LOW_WATER = 64 * 1024;
  /** Answers up to this size are written without the handler waiting for the client to take them. */
  private static final long SMALL_ANSWER = 64 * 1024;
  private static final AttributeKey<Timing> TIMING = AttributeKey.valueOf("guild.timing");

  /** One HTTP request as the REST API's handler sees it; {@link #respond} answers it once. */
  interface Exchange {
    /** The request method, such as {@code POST}. */
    String method();

    /** The request target's path, still percent-encoded. */
    String rawPath();

    /** The first value of a request header, or null. */
    String header(String name);

    /** The request body; blocks until more arrives, ends at its end, fails if the client leaves. */
    InputStream body();

    /**
     * Sends the answer with a {@code Content-Length}; returns when it is written, or (a small one)
     * handed to the connection.
     */
    void respond(int status, Map<String, String> headers, ReplyBody body) throws IOException;
  }

  private final EventLoopGroup boss;
  private final EventLoopGroup io;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel listening;
  private final ExecutorService handlers;
  private final Consumer<Exchange> handler;
  private final long maxExchangeNanos;
  private final int maxConnections;

  /** Per connection: when its current request began, its answer began, and it went idle (0: no). */
  private static final class Timing {
    volatile long requestStart;
    volatile long answerStart;
    volatile long idleSince = System.nanoTime();
  }

  /**
   * Binds {@code host:port} and serves, handing requests to {@code handler} on {@code handlers}.
   *
   * @throws GuildException when the address cannot be bound
   */
  HttpFrontEnd(String host, int port, ExecutorService handlers, Consumer<Exchange> handler,
      long maxExchangeNanos, int maxConnections) {
    this.handlers = handlers;
    this.handler = handler;
    this.maxExchangeNanos = maxExchangeNanos;
    this.maxConnections = maxConnections;
    this.boss = new NioEventLoopGroup(1, daemon("guild-serve-accept"));
    this.io = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
        daemon("guild-serve-io"));
    try {
      this.listening = new ServerBootstrap().group(boss, io)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 256)
          .childOption(ChannelOption.TCP_NODELAY, true)
          // A client may send its request and shut its side down: it still gets the answer.
          .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (channels.size() >= HttpFrontEnd.this.maxConnections) {
                ch.close();
                return;
              }
              channels.add(ch);
              ch.attr(TIMING).set(new Timing());
              ch.pipeline().addLast(new FirstBytes(),
                  new HttpServerCodec(8192, 16384, 65536),
                  new HttpServerKeepAliveHandler(),
                  new HttpServerExpectContinueHandler(),
                  new Requests());
            }
          })
          .bind(host, port).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      shutdownGroups();
      throw new GuildException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
          + "; pick another --port or --host", e);
    }
    boss.scheduleAtFixedRate(this::cutOffSlowConnections, 1, 1, TimeUnit.SECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new io.netty.util.concurrent.FastThreadLocalThread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The address it listens on (the ephemeral port it got when asked for port 0). */
  InetSocketAddress address() {
    return (InetSocketAddress) listening.localAddress();
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    listening.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdownGroups();
  }

  private void shutdownGroups() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private void cutOffSlowConnections() {
    long now = System.nanoTime();
    for (Channel ch : channels) {
      Timing t = ch.attr(TIMING).get();
      if (t == null) {
        continue;
      }
      long req = t.requestStart;
      long ans = t.answerStart;
      long idle = t.idleSince;
      if ((req != 0 && now - req > maxExchangeNanos) || (ans != 0 && now - ans > maxExchangeNanos)
          || (idle != 0 && now - idle > maxExchangeNanos)) {
        ch.close();
      }
    }
  }

  /** Notes when a request's first bytes arrive, for the time limit of sending one. */
  private static final class FirstBytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Timing t = ctx.channel().attr(TIMING).get();
      if (t.requestStart == 0 && t.answerStart == 0) {
        t.requestStart = System.nanoTime();
      }
      t.idleSince = 0;
      ctx.fireChannelRead(msg);
    }
  }

  /** Turns a connection's HTTP messages into exchanges, one at a time. */
  private final class Requests extends ChannelInboundHandlerAdapter {
    private NettyExchange current;
    /** The client shut its side down: close once the current request is answered. */
    private boolean inputClosed;
    /** Messages of pipelined requests that arrived before the current one was answered. */
    private final ArrayDeque<HttpObject> waiting = new ArrayDeque<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HttpObject o)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (current != null && current.complete || !waiting.isEmpty()) {
        waiting.add(o);
        return;
      }
      take(ctx, o);
    }

    private void take(ChannelHandlerContext ctx, HttpObject o) {
      try {
        if (o instanceof HttpRequest req) {
          if (req.decoderResult().isFailure()) {
            badRequest(ctx, req.decoderResult().cause());
            return;
          }
          current = new NettyExchange(ctx, req, this);
        }
        if (o instanceof HttpContent c && current != null) {
          if (c.decoderResult().isFailure()) {
            // A malformed or cut-off body: the handler sees its stream fail and answers, or the
            // exchange is abandoned with a 400 (see dispatch).
            LOG.debug("malformed request body from {}: {}", ctx.channel().remoteAddress(),
                c.decoderResult().cause().toString());
            current.complete = true;
            current.body.fail(new IOException("the request body is malformed or cut off"), true);
            dispatch(ctx);
            return;
          }
          current.body.add(c.content());
          if (c instanceof LastHttpContent) {
            current.complete = true;
            current.body.end();
            ctx.channel().attr(TIMING).get().requestStart = 0;
            dispatch(ctx);
          }
        }
      } finally {
        ReferenceCountUtil.release(o);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (current != null && !current.dispatched) {
        dispatch(ctx); // the body is not all here: the handler reads the rest as it comes
      }
      ctx.fireChannelReadComplete();
    }

    private void dispatch(ChannelHandlerContext ctx) {
      NettyExchange ex = current;
      if (ex == null || ex.dispatched) {
        return;
      }
      ex.dispatched = true;
      try {
        handlers.execute(() -> {
          try {
            handler.accept(ex);
          } finally {
            if (!ex.answered) {
              ex.abandon();
            }
          }
        });
      } catch (RejectedExecutionException e) {
        LOG.warn("no thread to handle a request: {} connections are open", channels.size());
        ex.body.fail(new IOException("the server is busy"), false);
        ex.answered = true;
        writeError(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE,
            "The server is busy; retry later", true);
      }
    }

    /** Called on the event loop once the current exchange's answer is written. */
    void answered(ChannelHandlerContext ctx, NettyExchange ex) {
      if (current != ex) {
        return;
      }
      current = null;
      Timing t = ctx.channel().attr(TIMING).get();
      t.answerStart = 0;
      if (waiting.isEmpty()) {
        if (inputClosed) {
          ctx.close();
        }
        t.idleSince = System.nanoTime();
        return;
      }
      t.requestStart = System.nanoTime();
      while (!waiting.isEmpty() && (current == null || !current.complete)) {
        take(ctx, waiting.poll());
      }
      if (current != null && !current.dispatched) {
        dispatch(ctx);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        inputClosed = true;
        if (current == null && waiting.isEmpty()) {
          ctx.close();
        } else if (current != null) {
          current.body.fail(new IOException("the client closed the connection"), false);
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (current != null) {
        current.body.fail(new IOException("the client closed the connection"), false);
      }
      waiting.forEach(ReferenceCountUtil::release);
      waiting.clear();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }

    private void badRequest(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("malformed request from {}: {}", ctx.channel().remoteAddress(), cause.toString());
      if (current != null) {
        current.answered = true;
      }
      writeError(ctx, HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request", true);
    }
  }

  private static void writeError(ChannelHandlerContext ctx, HttpResponseStatus status,
      String message, boolean close) {
    byte[] json = ("{ \"error\": \"" + message + "\" }").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(json));
    r.headers().set("Content-Type", "application/json").setInt("Content-Length", json.length);
    if (close) {
      r.headers().set("Connection", "close");
    }
    ChannelFuture f = ctx.writeAndFlush(r);
    if (close) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** An exchange on a Netty connection. */
  private static final class NettyExchange implements Exchange {
    final ChannelHandlerContext ctx;
    final HttpRequest request;
    final Requests requests;
    final BodyStream body;
    /** Set on the event loop: handed to a handler; its body has arrived whole. */
    boolean dispatched;
    boolean complete;
    volatile boolean answered;

    NettyExchange(ChannelHandlerContext ctx, HttpRequest request, Requests requests) {
      this.ctx = ctx;
      this.request = request;
      this.requests = requests;
      this.body = new BodyStream(ctx.channel());
    }

    @Override
    public String method() {
      return request.method().name();
    }

    @Override
    public String rawPath() {
      String uri = request.uri();
      int q = uri.indexOf('?');
      int h = uri.indexOf('#');
      int end = q < 0 ? (h < 0 ? uri.length() : h) : (h < 0 ? q : Math.min(q, h));
      String path = uri.substring(0, end);
      if (!path.startsWith("/")) { // absolute-form: http://host:port/path
        int scheme = path.indexOf("://");
        int slash = scheme < 0 ? -1 : path.indexOf('/', scheme + 3);
        path = slash < 0 ? "/" : path.substring(slash);
      }
      return path;
    }

    @Override
    public String header(String name) {
      return request.headers().get(name);
    }

    @Override
    public InputStream body() {
      return body;
    }

    @Override
    public String toString() {
      return method() + " " + rawPath();
    }

    /** Ends an exchange its handler left unanswered: 400 for a malformed body, else closing. */
    void abandon() {
      answered = true;
      if (body.malformed()) {
        writeError(ctx, HttpResponseStatus.BAD_REQUEST, "Malformed or cut-off request body", true);
      } else {
        ctx.close();
      }
    }

    @Override
    public void respond(int status, Map<String, String> headers, ReplyBody reply)
        throws IOException {
      if (answered) {
        throw new IllegalStateException("answered twice: " + this);
      }
      answered = true;
      long size = reply.size();
      boolean head = request.method().equals(HttpMethod.HEAD);
      ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.buffer((int) size);
      if (!head) {
        try (ByteBufOutputStream out = new ByteBufOutputStream(content)) {
          reply.writeTo(out);
        }
      }
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(status), content);
      headers.forEach((k, v) -> r.headers().set(k, v));
      r.headers().set("Content-Length", size);
      // A body the handler left unread would be taken for the next request: close after answering.
      boolean close = !body.ended() || "close".equalsIgnoreCase(headers.get("Connection"))
          || !HttpUtil.isKeepAlive(request);
      if (close) {
        r.headers().set("Connection", "close");
      }
      Timing t = ctx.channel().attr(TIMING).get();
      t.answerStart = System.nanoTime();
      ChannelFuture f = ctx.writeAndFlush(r);
      f.addListener(done -> {
        if (close || !done.isSuccess()) {
          ctx.close();
        }
        requests.answered(ctx, this);
      });
      if (size > SMALL_ANSWER) {
        // Wait for the client to take a large answer, so that its memory counts while handled.
        try {
          f.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted writing the answer");
        }
        if (!f.isSuccess()) {
          throw new IOException("writing the answer failed: " + f.cause());
        }
      }
    }
  }

  /**
   * A request body as it arrives: the event loop adds chunks, the handler thread reads them,
   * blocking until more come; reading from the connection pauses while much is unread.
   */
  private static final class BodyStream extends InputStream {
    private final Channel channel;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] head;
    private int at;
    private long buffered;
    private boolean ended;
    private IOException failure;
    private boolean malformed;
    private boolean paused;

    BodyStream(Channel channel) {
      this.channel = channel;
    }

    synchronized void add(ByteBuf content) {
      int n = content.readableBytes();
      if (n == 0 || ended || failure != null) {
        return;
      }
      byte[] b = new byte[n];
      content.readBytes(b);
      chunks.add(b);
      buffered += n;
      if (buffered > HIGH_WATER && !paused) {
        paused = true;
        channel.config().setAutoRead(false);
      }
      notifyAll();
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    synchronized boolean ended() {
      return ended && chunks.isEmpty() && head == null;
    }

    /** Fails the reads still to come (not those of a body that arrived whole). */
    synchronized void fail(IOException e, boolean malformedBody) {
      if (!ended && failure == null) {
        failure = e;
        malformed = malformedBody;
        notifyAll();
      }
    }

    synchronized boolean malformed() {
      return malformed;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (head == null) {
        head = chunks.poll();
        at = 0;
        if (head != null) {
          break;
        }
        if (failure != null) {
          throw failure;
        }
        if (ended) {
          return -1;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted reading the request body");
        }
      }
      int n = Math.min(len, head.length - at);
      System.arraycopy(head, at, b, off, n);
      at += n;
      buffered -= n;
      if (at == head.length) {
        head = null;
      }
      if (paused && buffered < LOW_WATER) {
        paused = false;
        channel.config().setAutoRead(true);
      }
      return n;
    }

    @Override
    public synchronized int available() {
      return (int) Math.min(Integer.MAX_VALUE, buffered);
    }
  }
}
