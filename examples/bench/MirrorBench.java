// Helper of install-search.sh, run with Java's source launcher against core's classes:
//   java -cp CORE_CLASSPATH MirrorBench.java gen-index MIRROR_DIR KEY_DIR COUNT
//   java -cp CORE_CLASSPATH MirrorBench.java search HOME TERM ROUNDS
//   java -cp CORE_CLASSPATH MirrorBench.java install WORK MIRROR_URL NAME ROUNDS ARCHIVE
//   java -cp CORE_CLASSPATH MirrorBench.java big-package WORK OUT_DIR MEGABYTES
// Not a test: it prints timings for the benchmark script.
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.archive.Manifest;
import org.guildpkg.mirror.IndexEntry;
import org.guildpkg.mirror.LoadedIndex;
import org.guildpkg.mirror.MirrorIndex;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.Search;
import org.guildpkg.mirror.SigningKeys;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;

public class MirrorBench {
  static final String[] WORDS = {"mnist", "fashion", "cifar", "resnet", "convnet", "bert", "imagenet",
      "speech", "audio", "text", "sentiment", "translation", "detector", "segmentation", "gan", "vae"};

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "gen-index" -> genIndex(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      case "search" -> search(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
      case "install" -> install(Path.of(args[1]), args[2], args[3], Integer.parseInt(args[4]), Path.of(args[5]));
      case "big-package" -> bigPackage(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static void genIndex(Path mirror, Path keyDir, int count) throws Exception {
    Random r = new Random(1);
    List<IndexEntry> entries = new ArrayList<>();
    PackageType[] types = PackageType.values();
    for (int i = 0; i < count; i++) {
      String w1 = WORDS[r.nextInt(WORDS.length)];
      String w2 = WORDS[r.nextInt(WORDS.length)];
      String name = w1 + "-" + w2 + "-" + i;
      Manifest m = new Manifest(PackageName.of(name), Version.parse("1." + r.nextInt(20)), types[i % 3],
          "A " + w1 + " package for " + w2 + " number " + i, List.of(w1, w2, "bench"), "Apache-2.0",
          i > 0 && i % 4 == 0 ? Requirement.parseList(WORDS[0] + "-" + WORDS[1] + "-0 >= 1.0") : List.of(),
          List.of(), Map.of(), Optional.empty(), null);
      entries.add(new IndexEntry(m, IndexEntry.pathFor(m, ".pkg.tar.zst"), 1000 + i, "a".repeat(64)));
    }
    byte[] bytes = MirrorIndex.of(1, entries).toBytes();
    Files.createDirectories(mirror);
    KeyPair keys = SigningKeys.generate(keyDir);
    Files.write(mirror.resolve(MirrorIndex.FILE), bytes);
    Files.write(mirror.resolve(MirrorIndex.SIGNATURE_FILE), SigningKeys.sign(keys.getPrivate(), bytes));
    System.out.println("index of " + count + " packages, " + bytes.length / 1024 + " KiB");
  }

  static void search(Path home, String term, int rounds) {
    // Warm the JIT with the whole path, then time (a) search over loaded indexes and
    // (b) loading the cached, signed index from disk plus the search.
    List<LoadedIndex> idx = new Mirrors(home, true, w -> {}).indexes();
    int hits = 0;
    for (int i = 0; i < rounds; i++) {
      hits = Search.search(idx, Optional.of(term), Optional.empty()).size();
      new Mirrors(home, true, w -> {}).indexes();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      Search.search(idx, Optional.of(term), Optional.empty());
    }
    double searchMs = (System.nanoTime() - t0) / 1e6 / rounds;
    long t1 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      Search.search(new Mirrors(home, true, w -> {}).indexes(), Optional.of(term), Optional.empty());
    }
    double loadMs = (System.nanoTime() - t1) / 1e6 / rounds;
    System.out.printf("search-warm-ms %.2f%nload-and-search-warm-ms %.2f%nhits %d%n", searchMs, loadMs, hits);
  }

  /**
   * Alternates, round after round, `tar --zstd -xf ARCHIVE`, the same followed by `sync`, and an
   * in-process install (warm JVM, fresh home each time), so that all three see the same load on a
   * shared machine; prints the best time of each and the median of the per-round ratios.
   */
  static void install(Path work, String url, String name, int rounds, Path archive) throws Exception {
    List<Long> tar = new ArrayList<>();
    List<Long> tarSync = new ArrayList<>();
    List<Long> guild = new ArrayList<>();
    for (int i = -2; i < rounds; i++) { // rounds -2 and -1 warm the JIT and the page cache
      String a = Files.createDirectories(work.resolve("tar-a" + i)).toString();
      String b = Files.createDirectories(work.resolve("tar-b" + i)).toString();
      run(work, "sync");
      tar.add(timed(() -> run(work, "tar", "--zstd", "-xf", archive.toString(), "-C", a)));
      tarSync.add(timed(() -> {
        run(work, "tar", "--zstd", "-xf", archive.toString(), "-C", b);
        run(work, "sync");
      }));
      Path home = work.resolve("home-inproc-" + i);
      org.guildpkg.mirror.MirrorConfig.load(home).add(
          new org.guildpkg.mirror.MirrorSpec("bench", java.net.URI.create(url), Optional.empty()));
      guild.add(timed(() -> new org.guildpkg.install.PackageManager(org.guildpkg.store.Store.open(home),
          new Mirrors(home, false, w -> {})).install(List.of(Requirement.parse(name)))));
      run(work, "sync"); // leave no dirty pages to the next round
      System.err.printf("round %d: tar %d ms, tar+sync %d ms, guild install %d ms%n",
          i, tar.get(tar.size() - 1), tarSync.get(tarSync.size() - 1), guild.get(guild.size() - 1));
      if (i < 0) {
        tar.clear();
        tarSync.clear();
        guild.clear();
      }
    }
    System.out.println("tar-best-ms " + best(tar));
    System.out.println("tar-sync-best-ms " + best(tarSync));
    System.out.println("install-warm-ms " + best(guild));
    System.out.printf("ratio-vs-tar-median %.2f%n", medianRatio(guild, tar));
    System.out.printf("ratio-vs-tar-sync-median %.2f%n", medianRatio(guild, tarSync));
  }

  interface Step {
    void run() throws Exception;
  }

  static long timed(Step s) throws Exception {
    long t0 = System.nanoTime();
    s.run();
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static void run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed");
    }
  }

  static long best(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).min().orElseThrow();
  }

  static double medianRatio(List<Long> a, List<Long> b) {
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      r.add((double) a.get(i) / Math.max(1, b.get(i)));
    }
    r.sort(null);
    return r.size() % 2 == 1 ? r.get(r.size() / 2) : (r.get(r.size() / 2 - 1) + r.get(r.size() / 2)) / 2;
  }

  static void bigPackage(Path work, Path out, int megabytes) throws Exception {
    Path pkgdir = Files.createDirectories(work.resolve("big-model"));
    Random r = new Random(7);
    byte[] buf = new byte[1 << 20];
    for (int i = 0; i < megabytes; i++) {
      r.nextBytes(buf);
      Path f = pkgdir.resolve("variables/shard-" + String.format("%03d", i) + ".bin");
      Files.createDirectories(f.getParent());
      Files.write(f, buf);
    }
    for (int i = 0; i < 200; i++) {
      Files.writeString(pkgdir.resolve("assets-" + i + ".txt"), ("vocabulary line " + i + "\n").repeat(50));
    }
    Manifest m = new Manifest(PackageName.of("big-model"), Version.parse("1.0"), PackageType.SOURCE,
        "a large package for the install benchmark", List.of("bench"), "Apache-2.0", List.of(),
        List.of(), Map.of(), Optional.empty(), null);
    System.out.println(ArchiveWriter.write(m, pkgdir, out, 0));
  }
}
