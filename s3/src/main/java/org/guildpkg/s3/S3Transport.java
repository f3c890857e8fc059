package org.guildpkg.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;
import org.guildpkg.transport.AuthenticationException;
import org.guildpkg.transport.ProgressListener;
import org.guildpkg.transport.StreamingBody;
import org.guildpkg.transport.TooLargeException;
import org.guildpkg.transport.Transport;
import org.guildpkg.transport.TransportContext;
import org.guildpkg.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A mirror in an S3 bucket ({@code s3://BUCKET/PREFIX/}): objects {@code PREFIX/index.json},
 * {@code PREFIX/index.json.sig} and {@code PREFIX/packages/...}, read with GetObject (with a
 * {@code Range} to resume) and written with PutObject.
 *
 * <p>Objects get the {@code Cache-Control} a CDN in front of the bucket needs: the index and its
 * signature {@code no-cache} (revalidated on every read), archives
 * {@code public, max-age=31536000, immutable} (a published version never changes).
 *
 * <p>Publishers are serialised by a lock of ticket objects under {@code PREFIX/.guild-lock/}: a
 * publisher writes its own ticket, then lists the tickets, and holds the lock only when its ticket
 * is the only one; otherwise it deletes its ticket and tries again after a random pause. Two
 * publishers cannot both see only their own ticket on a store with read-after-write consistent
 * listing (AWS S3 since 2020, S3Proxy's filesystem store), so this needs no conditional writes,
 * which S3Proxy 2.6.0 does not enforce on PutObject. A held ticket is rewritten every minute; a
 * ticket untouched for 10 minutes is a crashed publisher's and is removed.
 */
final class S3Transport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(S3Transport.class);
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
  private static final String LOCKS = ".guild-lock/";
  private static final Duration TICKET_TTL = Duration.ofMinutes(10);
  private static final Duration HEARTBEAT = Duration.ofMinutes(1);
  private static final Duration LOCK_WAIT = Duration.ofMinutes(15);

  private final URI base;
  private final String bucket;
  private final String prefix;
  private final TransportContext context;
  private S3Client client;

  S3Transport(URI mirror, TransportContext context) {
    this.base = Transport.withSlash(mirror);
    this.bucket = base.getHost();
    if (bucket == null || bucket.isBlank()) {
      throw new GuildException("invalid mirror URL " + mirror + ": use s3://BUCKET/PREFIX");
    }
    String path = base.getPath() == null ? "/" : base.getPath();
    this.prefix = path.substring(1);
    this.context = context;
  }

  @Override
  public URI base() {
    return base;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.LOCK);
  }

  private String key(String relPath) {
    return prefix + relPath;
  }

  /** The S3 client, made on first use from the SDK's default chains and the endpoint settings. */
  private synchronized S3Client client() {
    if (context.offline()) {
      throw new GuildException("offline: refusing to contact " + base
          + "; run without --offline (or unset GUILD_OFFLINE)");
    }
    if (client == null) {
      Duration idle = StreamingBody.configuredIdleTimeout();
      S3ClientBuilder b = S3Client.builder()
          .httpClientBuilder(UrlConnectionHttpClient.builder()
              .connectionTimeout(Duration.ofSeconds(10))
              .socketTimeout(idle))
          .credentialsProvider(DefaultCredentialsProvider.builder().build())
          // S3-compatible servers (S3Proxy 2.6.0 among them) may not know the newer checksum
          // headers; every archive is checked against the signed index's sha256 anyway.
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      Optional<String> endpoint = endpoint();
      Region region;
      try {
        region = new DefaultAwsRegionProviderChain().getRegion();
      } catch (SdkClientException e) {
        region = Region.US_EAST_1; // the S3 default; with crossRegionAccess a bucket elsewhere still works
      }
      b.region(region);
      if (endpoint.isPresent()) {
        try {
          b.endpointOverride(URI.create(endpoint.get())).forcePathStyle(true);
        } catch (IllegalArgumentException e) {
          throw new GuildException("AWS_ENDPOINT_URL is not a URL: " + endpoint.get(), e);
        }
      } else {
        b.crossRegionAccessEnabled(true);
      }
      client = b.build();
    }
    return client;
  }

  /** {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}, else the system property {@code aws.endpointUrl}. */
  private static Optional<String> endpoint() {
    for (String v : new String[] {System.getenv("AWS_ENDPOINT_URL_S3"), System.getenv("AWS_ENDPOINT_URL"),
        System.getProperty("aws.endpointUrl")}) {
      if (v != null && !v.isBlank()) {
        return Optional.of(v.strip());
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<byte[]> get(String relPath, long maxBytes) {
    Refreshed r = getIfChanged(relPath, maxBytes, Validators.NONE);
    return r instanceof Refreshed.Changed c ? Optional.of(c.content()) : Optional.empty();
  }

  /**
   * A GetObject with {@code If-None-Match} set to the known ETag (S3 and S3Proxy answer 304 when
   * it still matches); S3's ETag is the validator, Last-Modified is not needed.
   */
  @Override
  public Refreshed getIfChanged(String relPath, long maxBytes, Validators known) {
    URI uri = resolve(relPath);
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key(relPath));
    known.etag().ifPresent(req::ifNoneMatch);
    try (ResponseInputStream<GetObjectResponse> in = client().getObject(req.build())) {
      Long length = in.response().contentLength();
      if (length != null && length > maxBytes) {
        in.abort();
        throw new TooLargeException(uri, maxBytes);
      }
      byte[] b = in.readNBytes(maxBytes >= Integer.MAX_VALUE - 8 ? Integer.MAX_VALUE - 8 : (int) maxBytes + 1);
      if (b.length > maxBytes) {
        in.abort();
        throw new TooLargeException(uri, maxBytes);
      }
      return new Refreshed.Changed(b, new Validators(Optional.ofNullable(in.response().eTag()), Optional.empty()));
    } catch (NoSuchKeyException e) {
      return new Refreshed.Missing();
    } catch (S3Exception e) {
      if (e.statusCode() == 304 && known.etag().isPresent()) {
        return new Refreshed.Unchanged();
      }
      throw failure("GET", uri, e);
    } catch (SdkException e) {
      throw failure("GET", uri, e);
    } catch (IOException e) {
      throw new TransportException("GET " + uri + " broke off: " + e.getClass().getSimpleName(), true, e);
    }
  }

  @Override
  public long fetch(String relPath, Path partial, long offset, ProgressListener progress) {
    URI uri = resolve(relPath);
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key(relPath));
    if (offset > 0) {
      req.range("bytes=" + offset + "-");
    }
    long pos = 0;
    try (ResponseInputStream<GetObjectResponse> in = client().getObject(req.build())) {
      GetObjectResponse r = in.response();
      long start = 0;
      long total = r.contentLength() == null ? -1 : r.contentLength();
      if (offset > 0 && r.contentRange() != null) {
        Matcher m = CONTENT_RANGE.matcher(r.contentRange());
        if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
          throw new TransportException(uri + ": the server answered a range request with a different range", true, null);
        }
        start = offset;
        total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
      }
      progress.start(relPath, start, total);
      pos = start;
      try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          start == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
          pos += n;
          progress.advance(n);
        }
      }
      if (total >= 0 && pos < total) {
        throw new TransportException(uri + ": transfer ended after " + pos + " of " + total + " bytes", true, null);
      }
      return pos;
    } catch (S3Exception e) {
      if (e.statusCode() == 416 && offset > 0) {
        return offset; // the partial file is complete or longer: the checksum decides
      }
      throw failure("GET", uri, e);
    } catch (SdkException e) {
      throw failure("GET", uri, e);
    } catch (IOException e) {
      throw new TransportException(uri + ": transfer broke off after " + pos + " bytes ("
          + e.getClass().getSimpleName() + ")", true, e);
    } finally {
      progress.finish();
    }
  }

  @Override
  public void put(String relPath, Path source) {
    put(relPath, RequestBody.fromFile(source));
  }

  @Override
  public void put(String relPath, byte[] content) {
    put(relPath, RequestBody.fromBytes(content));
  }

  private void put(String relPath, RequestBody body) {
    URI uri = resolve(relPath);
    boolean archive = relPath.startsWith("packages/");
    try {
      client().putObject(PutObjectRequest.builder().bucket(bucket).key(key(relPath))
          .cacheControl(archive ? "public, max-age=31536000, immutable" : "no-cache")
          .contentType(relPath.endsWith(".json") ? "application/json" : "application/octet-stream")
          .build(), body);
      LOG.debug("PUT {}", uri);
    } catch (SdkException e) {
      throw failure("PUT", uri, e);
    }
  }

  /** One line naming the mirror, the object and what to do; never an SDK message with a secret. */
  private RuntimeException failure(String op, URI uri, SdkException e) {
    String who = context.describe(base);
    if (e instanceof S3Exception s) {
      String code = s.awsErrorDetails() == null ? "" : String.valueOf(s.awsErrorDetails().errorCode());
      int status = s.statusCode();
      if (status == 401 || status == 403 || code.equals("InvalidAccessKeyId")
          || code.equals("SignatureDoesNotMatch") || code.equals("AccessDenied")) {
        return new AuthenticationException(who + " refused the AWS credentials (" + op + " " + uri + ": "
            + (code.isEmpty() ? "HTTP " + status : code) + "); check AWS_ACCESS_KEY_ID and"
            + " AWS_SECRET_ACCESS_KEY, or AWS_PROFILE");
      }
      if (code.equals("NoSuchBucket")) {
        return new TransportException(who + ": bucket '" + bucket + "' does not exist"
            + endpoint().map(x -> " at " + x).orElse("") + "; create it first", false, e);
      }
      boolean again = status >= 500 || status == 429 || status == 408;
      return new TransportException(op + " " + uri + " failed: " + (code.isEmpty() ? "" : code + ", ")
          + "HTTP " + status, again, e);
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("Unable to load credentials")) {
      return new AuthenticationException(who + " needs AWS credentials (" + op + " " + uri + "): set"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE");
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new TransportException("cannot reach " + uri + endpoint().map(x -> " (endpoint " + x + ")").orElse("")
        + ": " + root.getClass().getSimpleName(), true, e);
  }

  /**
   * Takes the mirror's ticket lock (see the class comment), waiting up to 15 minutes for other
   * publishers.
   */
  @Override
  public MirrorLock lock() {
    S3Client s3 = client();
    String mine = prefix + LOCKS + Instant.now().toEpochMilli() + "-" + UUID.randomUUID();
    URI lockUri = resolve(LOCKS);
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        writeTicket(s3, mine);
        Instant now = s3.headObject(h -> h.bucket(bucket).key(mine)).lastModified();
        List<S3Object> tickets = s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix + LOCKS))
            .contents().stream().toList();
        boolean alone = true;
        for (S3Object t : tickets) {
          if (t.key().equals(mine)) {
            continue;
          }
          if (t.lastModified().isBefore(now.minus(TICKET_TTL))) {
            LOG.warn("removing the stale publishing ticket {} of {} (untouched since {})", t.key(), base, t.lastModified());
            s3.deleteObject(d -> d.bucket(bucket).key(t.key()));
            continue;
          }
          alone = false;
        }
        if (alone) {
          LOG.debug("holding the publishing lock of {} ({})", base, mine);
          return held(s3, mine);
        }
        s3.deleteObject(d -> d.bucket(bucket).key(mine));
      } catch (SdkException e) {
        throw failure("LOCK", lockUri, e);
      }
      if (System.nanoTime() > deadline) {
        throw new GuildException(context.describe(base) + " stayed locked by another publisher for "
            + LOCK_WAIT.toMinutes() + " minutes (tickets under " + lockUri + "); try again later");
      }
      try {
        // A random pause, growing with the attempts, so that contenders stop meeting.
        Thread.sleep(ThreadLocalRandom.current().nextLong(20, 100L * Math.min(attempt, 20)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GuildException("interrupted while waiting for the publishing lock of " + base, e);
      }
    }
  }

  private void writeTicket(S3Client s3, String ticket) {
    s3.putObject(PutObjectRequest.builder().bucket(bucket).key(ticket).cacheControl("no-cache").build(),
        RequestBody.fromString("guild publisher " + ProcessHandle.current().pid() + " since " + Instant.now(),
            StandardCharsets.UTF_8));
  }

  private MirrorLock held(S3Client s3, String ticket) {
    ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "guild-s3-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleWithFixedDelay(() -> {
      try {
        writeTicket(s3, ticket);
      } catch (RuntimeException e) {
        LOG.warn("cannot refresh the publishing ticket of {}: {}", base, e.toString());
      }
    }, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
    return () -> {
      heartbeat.shutdownNow();
      try {
        heartbeat.awaitTermination(10, TimeUnit.SECONDS);
        s3.deleteObject(d -> d.bucket(bucket).key(ticket));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (SdkException e) {
        LOG.warn("cannot remove the publishing ticket {} of {}; it expires in {} minutes", ticket, base,
            TICKET_TTL.toMinutes());
      }
    };
  }

}
