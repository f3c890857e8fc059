package org.guildpkg.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.guildpkg.GuildException;
import org.guildpkg.spec.GuildPkg;
import org.guildpkg.spec.Source;
import org.guildpkg.io.FileOps;

/**
 * Git sources ({@code NAME::git+URL#commit=SHA} or {@code #tag=TAG}), as makepkg's: a bare clone
 * kept in the source cache ({@code CACHE/<hash of URL>/NAME.git}), updated only when it lacks the
 * pinned commit or tag, and checked out at that commit into {@code $srcdir/NAME}.
 *
 * <p>The checksum of a Git source is the sha256 of {@code git ls-tree -r --full-tree COMMIT}'s
 * output: it names every file's mode, object id and path, so it changes with any file's content.
 * It may be {@code SKIP} only for a commit pin (a tag can move). Runs the {@code git} command.
 */
final class GitSource {
  private static final Duration NETWORK = Duration.ofHours(1);
  private static final Duration LOCAL = Duration.ofMinutes(10);

  private GitSource() {}

  /**
   * The bare clone of {@code s} in {@code cacheDir}, cloned or fetched when it lacks the pinned
   * commit or tag.
   */
  static Path mirror(GuildPkg pkg, Source s, Path cacheDir, boolean offline,
      Consumer<String> progress) {
    String url = s.gitUrl().orElseThrow();
    Path bare = cacheDir.resolve(SourceFetcher.urlKey(java.net.URI.create(url)))
        .resolve(s.fileName() + ".git");
    if (Files.isDirectory(bare) && resolve(bare, s).isPresent()) {
      progress.accept("  -> Found " + s.fileName() + " in the source cache");
      return bare;
    }
    if (offline) {
      throw new GuildException(pkg.where("source") + ": Git source " + url + " lacks "
          + pin(s) + " in the source cache and guild is offline; run once without --offline");
    }
    try {
      if (!Files.isDirectory(bare)) {
        progress.accept("  -> Cloning " + s.fileName() + " from " + url);
        Files.createDirectories(bare.getParent());
        Path tmp = Files.createTempDirectory(bare.getParent(), "." + s.fileName() + "-");
        try {
          git(pkg, bare.getParent(), NETWORK, "clone", "--quiet", "--bare", url, tmp.toString());
          Files.move(tmp, bare, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          FileOps.deleteQuietly(tmp);
        }
      } else {
        progress.accept("  -> Updating " + s.fileName() + " from " + url);
      }
      if (resolve(bare, s).isEmpty()) {
        git(pkg, bare, NETWORK, "fetch", "--quiet", "--force", url,
            "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*");
      }
      if (resolve(bare, s).isEmpty() && s.gitCommit().isPresent()) {
        // A commit on no branch or tag: servers that allow it send it when asked by id.
        run(bare, LOCAL, "fetch", "--quiet", url, s.gitCommit().get());
      }
    } catch (IOException e) {
      throw new GuildException(pkg.where("source") + ": cannot clone Git source " + url + " into "
          + bare + ": " + GuildException.reason(e), e);
    }
    if (resolve(bare, s).isEmpty()) {
      throw new GuildException(pkg.where("source") + ": Git source " + url + " has no "
          + pin(s) + "; check the " + (s.gitTag().isPresent() ? "tag" : "commit id"));
    }
    return bare;
  }

  /** The commit id the pin of {@code s} names in {@code bare}, if that repository has it. */
  static Optional<String> resolve(Path bare, Source s) {
    String ref = s.gitCommit().map(c -> c + "^{commit}")
        .orElseGet(() -> "refs/tags/" + s.gitTag().orElseThrow() + "^{commit}");
    Result r = run(bare, LOCAL, "rev-parse", "--quiet", "--verify", ref);
    return r.status() == 0 ? Optional.of(r.out().strip()) : Optional.empty();
  }

  /** The checksum of {@code commit}: the sha256 of its recursive tree listing. */
  static String checksum(GuildPkg pkg, Path bare, String commit) {
    byte[] listing = git(pkg, bare, LOCAL, "ls-tree", "-r", "--full-tree", commit)
        .getBytes(StandardCharsets.UTF_8);
    return FileOps.sha256(listing);
  }

  /** Clones {@code bare} into {@code dest} and checks out {@code commit} (detached). */
  static void checkout(GuildPkg pkg, Path bare, String commit, Path dest) {
    Path parent = dest.getParent();
    git(pkg, parent, LOCAL, "clone", "--quiet", "--no-checkout", bare.toString(), dest.toString());
    git(pkg, dest, LOCAL, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach",
        commit);
  }

  private static String pin(Source s) {
    return s.gitCommit().map(c -> "commit " + c).orElseGet(() -> "tag " + s.gitTag().get());
  }

  private static String git(GuildPkg pkg, Path dir, Duration timeout, String... args) {
    Result r = run(dir, timeout, args);
    if (r.status() != 0) {
      throw new GuildException(pkg.where("source") + ": git " + args[0] + " failed in " + dir
          + " (exit status " + r.status() + "): " + r.lastErrorLine());
    }
    return r.out();
  }

  private record Result(int status, String out, String err) {
    String lastErrorLine() {
      List<String> lines = err.strip().lines().filter(l -> !l.isBlank()).toList();
      return lines.isEmpty() ? "no message" : lines.get(lines.size() - 1).strip();
    }
  }

  private static Result run(Path dir, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("GIT_TERMINAL_PROMPT", "0"); // never wait for a password on a terminal
    pb.environment().put("LC_ALL", "C");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new GuildException("cannot run git for a Git source: " + GuildException.reason(e)
          + "; install git (e.g. apt-get install git)", e);
    }
    CompletableFuture<String> out = readAsync(p.getInputStream());
    CompletableFuture<String> err = readAsync(p.getErrorStream());
    try {
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new GuildException("git " + String.join(" ", args) + " took longer than "
            + timeout.toMinutes() + " minutes in " + dir + "; stopped it");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new GuildException("interrupted while running git " + args[0], e);
    } catch (IOException e) {
      throw new GuildException("cannot run git " + args[0] + ": " + GuildException.reason(e), e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }
}
