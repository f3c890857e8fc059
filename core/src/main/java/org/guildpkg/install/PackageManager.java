package org.guildpkg.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.io.PathLock;
import org.guildpkg.mirror.IndexEntry;
import org.guildpkg.mirror.LoadedIndex;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.Search;
import org.guildpkg.resolve.Candidate;
import org.guildpkg.resolve.CandidateSource;
import org.guildpkg.resolve.Resolution;
import org.guildpkg.resolve.Resolver;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.store.ArchiveChecksum;
import org.guildpkg.store.InstallOptions;
import org.guildpkg.store.Store;
import org.guildpkg.transport.Downloader;
import org.guildpkg.transport.ProgressListener;
import org.guildpkg.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and upgrades packages from the configured mirrors: the one place where resolving
 * (what, {@link Resolver}), transport (how, {@link Downloader}) and the store (where,
 * {@link Store}) meet.
 *
 * <p>Each chosen archive is downloaded into {@code $GUILD_HOME/cache/downloads}, checked against
 * the size and sha256 of the mirror's index, and only then handed to {@link Store#install}, in
 * dependency order, so a failure leaves every package either installed or absent. Downloads run
 * without the store's lock; only the commit takes it. An archive of a {@code file://} mirror is
 * not copied: the store reads it in place and checks its size and sha256 on the way, committing
 * nothing unless they match.
 *
 * <pre>{@code
 * PackageManager pm = new PackageManager(Store.open(home), new Mirrors(home, false, log::warn));
 * List<GuildPackage> installed = pm.install(List.of(Requirement.parse("fashion-mnist>=1.0")));
 * }</pre>
 */
public final class PackageManager {
  private static final Logger LOG = LoggerFactory.getLogger(PackageManager.class);

  private final Store store;
  private final Mirrors mirrors;
  private final Downloader downloader;
  private ProgressListener downloadProgress = ProgressListener.NONE;
  private org.guildpkg.store.ProgressListener extractProgress = org.guildpkg.store.ProgressListener.NONE;
  private Consumer<String> notes = LOG::debug;

  /** A manager for {@code store} fetching from {@code mirrors}. */
  public PackageManager(Store store, Mirrors mirrors) {
    this.store = store;
    this.mirrors = mirrors;
    this.downloader = new Downloader(store.layout().downloadCache());
  }

  /** Reports download progress to {@code listener} (the CLI's progress bar). */
  public PackageManager downloadProgress(ProgressListener listener) {
    this.downloadProgress = listener;
    return this;
  }

  /** Reports extraction progress to {@code listener}. */
  public PackageManager extractProgress(org.guildpkg.store.ProgressListener listener) {
    this.extractProgress = listener;
    return this;
  }

  /** Hears one line per step ("downloading x@1 from main"); logged at DEBUG by default. */
  public PackageManager notes(Consumer<String> listener) {
    this.notes = listener;
    return this;
  }

  /**
   * Resolves {@code specs} with their requires and installs what is missing.
   *
   * @return the packages that satisfy {@code specs}, in the order given
   * @throws GuildException when resolution fails, a download fails or does not match the index,
   *     or the store refuses an archive; packages committed before the failure stay installed
   */
  public List<GuildPackage> install(List<Requirement> specs) {
    Resolution r = new Resolver(candidates()).resolve(specs);
    List<GuildPackage> chosen = commit(r);
    List<GuildPackage> out = new ArrayList<>();
    for (Requirement spec : specs) {
      out.add(chosen.stream().filter(p -> p.name().equals(spec.name())).findFirst().orElseThrow());
    }
    return out;
  }

  /**
   * Parses install specs ({@code NAME}, {@code NAME@1.2}, {@code NAME>=1.0}) and installs them
   * like {@link #install(List)}; errors quote the specs as written.
   */
  public List<GuildPackage> installSpecs(List<String> specs) {
    List<Requirement> reqs = specs.stream().map(Requirement::parse).toList();
    try {
      return install(reqs);
    } catch (GuildException e) {
      if (!mirrors.configured().isEmpty()) {
        throw e;
      }
      throw new GuildException("cannot install '" + String.join("' '", specs).trim()
          + "': no mirror is configured in " + store.home() + "; add one with 'guild mirror add"
          + " NAME URL', or give the path of a NAME-VERSION.pkg.tar.zst archive; " + e.getMessage(), e);
    }
  }

  /** What an upgrade did to one package. */
  public record Upgrade(PackageName name, Optional<GuildPackage> from, GuildPackage to, List<String> kept) {}

  /**
   * Moves packages to the newest version the mirrors offer: the new version (and any requires it
   * brings) is committed first; only then are older versions removed, unless another installed
   * package still needs them (they are kept and reported).
   *
   * @param names packages to upgrade; empty for every installed package
   * @return one entry per package that changed
   */
  public List<Upgrade> upgrade(Collection<PackageName> names) {
    List<PackageName> targets = names.isEmpty()
        ? store.installed().stream().map(GuildPackage::name).distinct().toList()
        : List.copyOf(names);
    List<Upgrade> out = new ArrayList<>();
    for (PackageName name : targets) {
      List<GuildPackage> before = store.installed(name);
      if (before.isEmpty()) {
        throw new GuildException("cannot upgrade " + name + ": it is not installed in " + store.home()
            + "; install it with 'guild install " + name + "'");
      }
      GuildPackage newest = before.stream().max(Comparator.comparing(GuildPackage::version)).orElseThrow();
      Resolution r = new Resolver(candidates()).resolve(List.of(new Requirement(name, org.guildpkg.spec.VersionConstraint.ANY)));
      Candidate top = r.order().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
      if (top.version().compareTo(newest.version()) <= 0) {
        continue;
      }
      List<GuildPackage> committed = commit(r);
      GuildPackage now = committed.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
      List<String> kept = new ArrayList<>();
      for (GuildPackage old : before) {
        try {
          store.uninstall(name, Optional.of(old.version()), false);
        } catch (GuildException e) {
          kept.add(old + " (" + e.getMessage() + ")");
        }
      }
      out.add(new Upgrade(name, Optional.of(newest), now, kept));
    }
    return out;
  }

  /** Searches the mirrors' indexes; see {@link Search#search}. */
  public List<Search.Hit> search(Optional<String> term, Optional<PackageType> type) {
    return Search.search(mirrors.indexes(), term, type);
  }

  private List<GuildPackage> commit(Resolution r) {
    List<GuildPackage> out = new ArrayList<>();
    for (Candidate c : r.order()) {
      if (c.source() instanceof Candidate.Installed i) {
        out.add(i.pkg());
        continue;
      }
      Candidate.Remote remote = (Candidate.Remote) c.source();
      IndexEntry e = remote.entry();
      Transport transport = mirrors.transport(remote.mirror());
      InstallOptions options = InstallOptions.defaults().expecting(c.name(), c.version())
          .withProgress(extractProgress);
      Optional<Path> local = transport.localFile(e.file()).filter(Files::isRegularFile);
      if (local.isPresent()) {
        // A file mirror's archive is on this machine already: install it in place, checking its
        // size and sha256 against the index while it is read, instead of copying it first.
        notes.accept("installing " + c + " from mirror " + remote.mirror().name());
        out.add(store.install(local.get(), options.verifying(
            new ArchiveChecksum(e.size(), e.sha256(), transport.resolve(e.file()).toString()))));
        continue;
      }
      // Held until the store has the package, so that 'guild cache clean' leaves the archive be.
      try (PathLock.Hold held = downloader.hold(e.file())) {
        Path archive = downloader.download(transport, e.file(), e.size(), e.sha256(),
            announcing(c + "", remote.mirror().name()));
        notes.accept("installing " + c);
        out.add(store.install(archive, options));
      }
    }
    return out;
  }

  /**
   * The download listener with a note first: "downloading X from mirror M" when a transfer
   * starts (once, whatever the retries), "using cached X" when the cache had the archive.
   */
  private ProgressListener announcing(String what, String mirror) {
    return new ProgressListener() {
      private boolean announced;

      @Override
      public void start(String label, long done, long total) {
        if (!announced) {
          announced = true;
          notes.accept("downloading " + what + " from mirror " + mirror);
        }
        downloadProgress.start(label, done, total);
      }

      @Override
      public void advance(long bytes) {
        downloadProgress.advance(bytes);
      }

      @Override
      public void finish() {
        downloadProgress.finish();
      }

      @Override
      public void cached(String label, long size) {
        notes.accept("using cached " + what);
        downloadProgress.cached(label, size);
      }
    };
  }

  /** Installed packages plus the versions of the first mirror that has each package. */
  private CandidateSource candidates() {
    List<LoadedIndex> indexes;
    String unavailable = "offline: no mirror was asked";
    try {
      indexes = mirrors.configured().isEmpty() ? List.of() : mirrors.indexes();
    } catch (GuildException e) {
      if (!mirrors.offline()) {
        throw e;
      }
      indexes = List.of(); // offline without cached indexes: the installed packages may suffice
      unavailable = e.getMessage();
    }
    List<LoadedIndex> usable = indexes;
    String where = (usable.isEmpty() ? "the installed packages" : "the installed packages and "
        + (mirrors.offline() ? "the cached indexes of " : "") + "the mirrors "
        + usable.stream().map(li -> li.mirror().name()).collect(Collectors.joining(", ")))
        + (mirrors.offline() ? " (" + unavailable + ")" : "")
        + (mirrors.configured().isEmpty() ? " (no mirror is configured)" : "");
    return new CandidateSource() {
      @Override
      public List<Candidate> candidates(PackageName name) {
        List<Candidate> out = new ArrayList<>();
        store.installed(name).forEach(p -> out.add(Candidate.installed(p)));
        usable.stream().filter(li -> !li.index().versions(name).isEmpty()).findFirst().ifPresent(li -> {
          for (IndexEntry e : li.index().versions(name)) {
            if (out.stream().noneMatch(c -> c.version().equals(e.version()))) {
              out.add(Candidate.remote(li.mirror(), e));
            }
          }
        });
        return out;
      }

      @Override
      public String whereLooked() {
        return where;
      }
    };
  }
}
