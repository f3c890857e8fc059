package org.guildpkg.transport;

import java.io.IOException;
import java.io.InputStream;
import org.guildpkg.GuildException;
import org.guildpkg.io.PathLock;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;

/**
 * A mirror that is a folder on this machine ({@code file://}); never a network call. Publishers
 * take its lock file ({@code .lock}), so that two at once keep each other's entries.
 */
public final class FileTransport implements Transport {
  private final Path root;

  /** A transport for the mirror folder {@code root} (which need not exist yet). */
  public FileTransport(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The mirror's folder. */
  public Path root() {
    return root;
  }

  @Override
  public URI base() {
    return Transport.withSlash(root.toUri());
  }

  @Override
  public URI resolve(String relPath) {
    return file(relPath).toUri();
  }

  /** The local file of a mirror path. */
  public Path file(String relPath) {
    return root.resolve(relPath);
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.LOCK);
  }

  @Override
  public Optional<Path> localFile(String relPath) {
    return Optional.of(file(relPath));
  }

  /**
   * Takes the mirror's lock file {@code .lock} (and a lock within this JVM, since a file lock is
   * held per process), creating the folder when needed.
   */
  @Override
  public MirrorLock lock() {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new GuildException("cannot lock mirror " + root + ": " + GuildException.reason(e), e);
    }
    PathLock.Hold held = PathLock.of(root.resolve(".lock")).hold();
    return held::close;
  }

  @Override
  public Optional<byte[]> get(String relPath, long maxBytes) {
    try (InputStream in = Files.newInputStream(file(relPath))) {
      byte[] b = in.readNBytes(maxBytes >= Integer.MAX_VALUE - 8 ? Integer.MAX_VALUE - 8 : (int) maxBytes + 1);
      if (b.length > maxBytes) {
        throw new TooLargeException(file(relPath), maxBytes);
      }
      return Optional.of(b);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TransportException("cannot read " + file(relPath) + ": " + GuildException.reason(e), false, e);
    }
  }

  @Override
  public long fetch(String relPath, Path partial, long offset, ProgressListener progress) {
    Path source = file(relPath);
    try (FileChannel in = FileChannel.open(source);
        FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long size = in.size();
      long start = offset <= size ? offset : 0;
      out.truncate(start);
      progress.start(relPath, start, size);
      long pos = start;
      while (pos < size) {
        long n = in.transferTo(pos, Math.min(8L << 20, size - pos), out.position(pos));
        if (n <= 0) {
          break;
        }
        pos += n;
        progress.advance(n);
      }
      return pos;
    } catch (NoSuchFileException e) {
      throw new TransportException("mirror file " + source + " does not exist", false, e);
    } catch (IOException e) {
      throw new TransportException("cannot read " + source + ": " + GuildException.reason(e), false, e);
    } finally {
      progress.finish();
    }
  }

  @Override
  public void put(String relPath, Path source) {
    AtomicFiles.copy(source, file(relPath));
  }

  @Override
  public void put(String relPath, byte[] content) {
    AtomicFiles.write(file(relPath), content);
  }
}
