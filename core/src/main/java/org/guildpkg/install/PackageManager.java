package org.guildpkg.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.io.PathLock;
import org.guildpkg.mirror.IndexEntry;
import org.guildpkg.mirror.LoadedIndex;
import org.guildpkg.mirror.MirrorIndex;
import org.guildpkg.mirror.MirrorSpec;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.Search;
import org.guildpkg.resolve.Candidate;
import org.guildpkg.resolve.CandidateSource;
import org.guildpkg.resolve.Resolution;
import org.guildpkg.resolve.Resolver;
import org.guildpkg.spec.LabelSpec;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;
import org.guildpkg.spec.VersionConstraint;
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
    return install(specs, false);
  }

  /**
   * Like {@link #install(List)}; with {@code reinstall}, each package of {@code specs} is fetched
   * again and replaces its installed copy atomically (pacman's {@code -S} of an installed
   * package): the archive is checked against the mirror's index and extracted in full before the
   * old copy goes, so a failed reinstall leaves the old one as it was. Requires already installed
   * are not reinstalled.
   *
   * @throws GuildException also when a package to reinstall is installed in a version that no
   *     configured mirror offers (give its archive's path instead)
   */
  public List<GuildPackage> install(List<Requirement> specs, boolean reinstall) {
    Resolution r = new Resolver(candidates()).resolve(specs);
    List<Candidate> order = r.order();
    Set<PackageName> replace = Set.of();
    if (reinstall) {
      replace = r.requested();
      order = order.stream().map(c -> r.requested().contains(c.name()) && c.isInstalled() ? remoteFor(c) : c).toList();
    }
    List<GuildPackage> chosen = commit(order, replace);
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
    return installSpecs(specs, false);
  }

  /**
   * Like {@link #installSpecs(List)}, reinstalling the named packages when {@code reinstall} (see
   * {@link #install(List, boolean)}). A {@code NAME@LABEL} spec is resolved through the mirror's
   * label ({@link #resolveSpec}) and recorded, so that {@link #upgrade} follows the label; a spec
   * without a label makes the package follow none.
   */
  public List<GuildPackage> installSpecs(List<String> specs, boolean reinstall) {
    List<ResolvedSpec> resolved = specs.stream().map(this::resolveSpec).toList();
    List<Requirement> reqs = resolved.stream().map(ResolvedSpec::requirement).toList();
    try {
      List<GuildPackage> out = install(reqs, reinstall);
      for (ResolvedSpec r : resolved) {
        store.followLabel(r.requirement().name(), r.label());
      }
      return out;
    } catch (GuildException e) {
      if (!mirrors.configured().isEmpty()) {
        throw e;
      }
      throw new GuildException("cannot install '" + String.join("' '", specs).trim()
          + "': no mirror is configured in " + store.home() + "; add one with 'guild mirror add"
          + " NAME URL', or give the path of a NAME-VERSION.pkg.tar.zst archive; " + e.getMessage(), e);
    }
  }

  /**
   * An install spec made concrete: its requirement and, for {@code NAME@LABEL}, the label it went
   * through (the requirement is then the exact version the label names).
   *
   * @param spec the spec as written
   * @param requirement what to install
   * @param label the mirror label, for {@code NAME@LABEL}
   */
  public record ResolvedSpec(String spec, Requirement requirement, Optional<String> label) {}

  /**
   * Reads an install spec ({@code NAME}, {@code NAME@1.2}, {@code NAME==1.2}, {@code NAME>=1.0},
   * {@code NAME@LABEL}); a label is looked up in the index of the first configured mirror that
   * has the package (the mirror its versions come from).
   *
   * @throws GuildException for a bad spec, or a label the mirror does not have (naming the labels
   *     it has)
   */
  public ResolvedSpec resolveSpec(String spec) {
    Optional<LabelSpec> l = LabelSpec.parse(spec);
    if (l.isEmpty()) {
      return new ResolvedSpec(spec, Requirement.parse(spec), Optional.empty());
    }
    Version v = labelVersion(l.get().name(), l.get().label());
    return new ResolvedSpec(spec, new Requirement(l.get().name(), VersionConstraint.exactly(v)),
        Optional.of(l.get().label()));
  }

  /**
   * The version that {@code label} names for {@code name} on the first configured mirror that has
   * the package.
   *
   * @throws GuildException naming the mirror and its labels when the label is unknown or names no
   *     version of the package, or when no mirror is configured or has the package
   */
  public Version labelVersion(PackageName name, String label) {
    String spec = name + "@" + label;
    if (mirrors.configured().isEmpty()) {
      throw new GuildException("cannot resolve " + spec + ": labels come from a mirror's index and no"
          + " mirror is configured in " + store.home() + "; add one with 'guild mirror add NAME URL'");
    }
    LoadedIndex li = mirrors.firstHaving(name).orElseThrow(() -> new GuildException(
        "cannot resolve " + spec + ": no configured mirror ("
            + mirrors.configured().stream().map(MirrorSpec::name).collect(Collectors.joining(", "))
            + ") has " + name + "; check the name with 'guild search'"));
    MirrorIndex index = li.index();
    return index.label(label, name).orElseThrow(() -> {
      String labels = index.labels().isEmpty() ? "none" : String.join(", ", index.labels().keySet());
      if (index.labels().containsKey(label)) {
        String ofName = index.labels().entrySet().stream()
            .filter(e -> e.getValue().containsKey(name)).map(e -> e.getKey()).collect(Collectors.joining(", "));
        return new GuildException("label '" + label + "' of mirror " + li.mirror().name() + " names no version of "
            + name + "; labels of " + name + " there: " + (ofName.isEmpty() ? "none" : ofName));
      }
      return new GuildException("unknown label '" + label + "' in " + spec + ": mirror " + li.mirror().name()
          + " has the labels: " + labels);
    });
  }

  /** What an upgrade did to one package. */
  public record Upgrade(PackageName name, Optional<GuildPackage> from, GuildPackage to, List<String> kept) {}

  /**
   * What an upgrade would do to one package, for {@code guild upgrade --dry-run}.
   *
   * @param name the package
   * @param from the newest installed version
   * @param to the version it would move to (lower than {@code from} when a followed label moved back)
   * @param label the mirror label it follows, if it was installed through one
   * @param fetched every package version that would be downloaded, this one and new requires, as
   *     {@code NAME@VERSION}, in dependency order
   */
  public record PlannedUpgrade(PackageName name, Version from, Version to, Optional<String> label,
      List<String> fetched) {
    /** One line: {@code NAME: FROM -> TO}, with the label followed and the requires brought. */
    @Override
    public String toString() {
      List<String> brought = fetched.stream().filter(f -> !f.equals(name + "@" + to)).toList();
      return name + ": " + from + " -> " + to + label.map(l -> " (label " + l + ")").orElse("")
          + (brought.isEmpty() ? "" : " (also installs " + String.join(", ", brought) + ")");
    }
  }

  private record Step(PlannedUpgrade plan, List<GuildPackage> before, Resolution resolution) {}

  /**
   * What {@link #upgrade} would do, changing nothing: one entry per package that would change.
   *
   * @param names packages to upgrade; empty for every installed package
   * @throws GuildException when no mirror is configured, or a named package is not installed
   */
  public List<PlannedUpgrade> upgradePlan(Collection<PackageName> names) {
    return steps(names).stream().map(Step::plan).toList();
  }

  /**
   * Moves packages to the newest version the mirrors offer: the new version (and any requires it
   * brings) is committed first; only then are older versions removed, unless another installed
   * package still needs them (they are kept and reported). A package installed through a mirror
   * label ({@code NAME@stable}) moves to the version the label names now instead, up or down: a
   * label moved back is the publisher's signed decision to roll back.
   *
   * @param names packages to upgrade; empty for every installed package
   * @return one entry per package that changed
   * @throws GuildException when no mirror is configured (there is nothing to upgrade from), or a
   *     named package is not installed
   */
  public List<Upgrade> upgrade(Collection<PackageName> names) {
    List<Upgrade> out = new ArrayList<>();
    for (PackageName target : targets(names)) {
      // Planned one by one, each after the previous commit, so that it sees the store as it is.
      Optional<Step> next = step(target);
      if (next.isEmpty()) {
        continue;
      }
      Step step = next.get();
      PackageName name = step.plan().name();
      List<GuildPackage> committed = commit(step.resolution().order(), Set.of());
      GuildPackage now = committed.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
      List<String> kept = new ArrayList<>();
      for (GuildPackage old : step.before()) {
        if (old.version().equals(now.version())) {
          continue;
        }
        try {
          store.uninstall(name, Optional.of(old.version()), false);
        } catch (GuildException e) {
          kept.add(old + " (" + e.getMessage() + ")");
        }
      }
      GuildPackage newest = step.before().stream().max(Comparator.comparing(GuildPackage::version)).orElseThrow();
      out.add(new Upgrade(name, Optional.of(newest), now, kept));
    }
    return out;
  }

  private List<PackageName> targets(Collection<PackageName> names) {
    if (mirrors.configured().isEmpty()) {
      throw new GuildException("cannot upgrade: no mirror is configured in " + store.home()
          + ", so there is nothing to upgrade from; add one with 'guild mirror add NAME URL'");
    }
    List<PackageName> targets = names.isEmpty()
        ? store.installed().stream().map(GuildPackage::name).distinct().toList()
        : List.copyOf(names);
    for (PackageName name : targets) {
      if (store.installed(name).isEmpty()) {
        throw new GuildException("cannot upgrade " + name + ": it is not installed in " + store.home()
            + "; install it with 'guild install " + name + "'");
      }
    }
    return targets;
  }

  private List<Step> steps(Collection<PackageName> names) {
    List<Step> out = new ArrayList<>();
    for (PackageName name : targets(names)) {
      step(name).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Step> step(PackageName name) {
    List<GuildPackage> before = store.installed(name);
    GuildPackage newest = before.stream().max(Comparator.comparing(GuildPackage::version)).orElseThrow();
    Optional<String> label = store.followedLabel(name);
    VersionConstraint wanted = label.map(l -> VersionConstraint.exactly(followedVersion(name, l)))
        .orElse(VersionConstraint.ANY);
    Resolution r = new Resolver(candidates()).resolve(List.of(new Requirement(name, wanted)));
    Candidate top = r.order().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    int c = top.version().compareTo(newest.version());
    if (label.isPresent() ? c == 0 : c <= 0) {
      return Optional.empty();
    }
    List<String> fetched = r.order().stream().filter(x -> !x.isInstalled()).map(Candidate::toString).toList();
    return Optional.of(new Step(new PlannedUpgrade(name, newest.version(), top.version(), label, fetched), before, r));
  }

  private Version followedVersion(PackageName name, String label) {
    try {
      return labelVersion(name, label);
    } catch (GuildException e) {
      throw new GuildException("cannot upgrade " + name + ", which follows the label '" + label + "': "
          + e.getMessage() + "; 'guild install " + name + "' stops following it", e);
    }
  }

  /** Searches the mirrors' indexes; see {@link Search#search}. */
  public List<Search.Hit> search(Optional<String> term, Optional<PackageType> type) {
    return Search.search(mirrors.indexes(), term, type);
  }

  /** The mirror's candidate of the same version as {@code c}, for a reinstall. */
  private Candidate remoteFor(Candidate c) {
    String hint = "; give the path of its archive instead ('guild install --reinstall "
        + c.name() + "-" + c.version() + ".pkg.tar.zst')";
    if (mirrors.configured().isEmpty()) {
      throw new GuildException("cannot reinstall " + c + ": no mirror is configured in " + store.home() + hint);
    }
    Optional<LoadedIndex> li = mirrors.firstHaving(c.name());
    Optional<IndexEntry> e = li.flatMap(i -> i.index().find(c.name(), c.version()));
    if (e.isEmpty()) {
      throw new GuildException("cannot reinstall " + c + ": no configured mirror offers that version"
          + li.map(i -> " (mirror " + i.mirror().name() + " has " + i.index().versions(c.name()).stream()
              .map(x -> x.version().value()).collect(Collectors.joining(", ")) + ")").orElse("") + hint);
    }
    return Candidate.remote(li.get().mirror(), e.get());
  }

  private List<GuildPackage> commit(List<Candidate> order, Set<PackageName> replace) {
    List<GuildPackage> out = new ArrayList<>();
    for (Candidate c : order) {
      if (c.source() instanceof Candidate.Installed i) {
        out.add(i.pkg());
        continue;
      }
      Candidate.Remote remote = (Candidate.Remote) c.source();
      IndexEntry e = remote.entry();
      Transport transport = mirrors.transport(remote.mirror());
      InstallOptions options = InstallOptions.defaults().expecting(c.name(), c.version())
          .withProgress(extractProgress);
      if (replace.contains(c.name())) {
        options = options.replacing();
      }
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
