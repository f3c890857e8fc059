package org.guildpkg.transport;

import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport registered only on the test class path (META-INF/services), for the scheme
 * {@code guildtest:///FOLDER/}: a folder reached through its own code rather than core's file
 * transport, with conditional writes (version tag = sha256 of the content) and no lock and no
 * local files, so that the publisher and installer must use the SPI's generic paths.
 */
public final class FolderTestTransportFactory implements TransportFactory {
  /** Calls made through transports of this factory: proof that the SPI was used. */
  public static final AtomicInteger CALLS = new AtomicInteger();
  /** Conditional writes refused because another publisher changed the file first. */
  public static final AtomicInteger CONFLICTS = new AtomicInteger();
  /**
   * When set, every reader of {@code index.json}'s version waits here once per thread, so that
   * concurrent publishers all read the same version and must conflict.
   */
  public static volatile CyclicBarrier firstIndexRead;

  private static final ThreadLocal<Boolean> PASSED = ThreadLocal.withInitial(() -> false);
  private static final Object WRITES = new Object();

  @Override
  public Set<String> schemes() {
    return Set.of("guildtest");
  }

  @Override
  public Transport newTransport(URI mirror, TransportContext context) {
    return new FolderTransport(mirror, new FileTransport(Path.of(URI.create("file://" + mirror.getPath()))));
  }

  /** Reads and writes through a file transport it owns, adding conditional writes. */
  private record FolderTransport(URI base, FileTransport files) implements Transport {
    @Override
    public Set<Capability> capabilities() {
      return Set.of(Capability.CONDITIONAL_WRITES);
    }

    @Override
    public Optional<byte[]> get(String relPath, long maxBytes) {
      CALLS.incrementAndGet();
      return files.get(relPath, maxBytes);
    }

    @Override
    public long fetch(String relPath, Path partial, long offset, ProgressListener progress) {
      CALLS.incrementAndGet();
      return files.fetch(relPath, partial, offset, progress);
    }

    @Override
    public void put(String relPath, Path source) {
      CALLS.incrementAndGet();
      synchronized (WRITES) {
        files.put(relPath, source);
      }
    }

    @Override
    public void put(String relPath, byte[] content) {
      CALLS.incrementAndGet();
      synchronized (WRITES) {
        files.put(relPath, content);
      }
    }

    @Override
    public Optional<Versioned> getVersioned(String relPath, long maxBytes) {
      CALLS.incrementAndGet();
      Optional<Versioned> v;
      synchronized (WRITES) {
        v = files.get(relPath, maxBytes).map(b -> new Versioned(b, tag(b)));
      }
      CyclicBarrier barrier = firstIndexRead;
      if (barrier != null && relPath.equals("index.json") && !PASSED.get()) {
        PASSED.set(true);
        try {
          barrier.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
          throw new IllegalStateException("publishers did not meet at the barrier", e);
        }
      }
      return v;
    }

    @Override
    public boolean putIf(String relPath, byte[] content, Optional<String> expected) {
      CALLS.incrementAndGet();
      synchronized (WRITES) {
        Optional<String> now = files.get(relPath, Long.MAX_VALUE).map(FolderTestTransportFactory::tag);
        if (!now.equals(expected)) {
          CONFLICTS.incrementAndGet();
          return false;
        }
        files.put(relPath, content);
        return true;
      }
    }
  }

  private static String tag(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
