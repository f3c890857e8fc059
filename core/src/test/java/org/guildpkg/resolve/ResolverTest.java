package org.guildpkg.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.mirror.IndexEntry;
import org.guildpkg.mirror.MirrorSpec;
import org.guildpkg.mirror.TestPackages;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.junit.jupiter.api.Test;

class ResolverTest {
  final MirrorSpec mirror = new MirrorSpec("m", Path.of("/tmp/m").toUri(), Optional.empty());
  final Map<PackageName, List<Candidate>> known = new HashMap<>();
  final CandidateSource source = new CandidateSource() {
    @Override
    public List<Candidate> candidates(PackageName name) {
      return known.getOrDefault(name, List.of());
    }

    @Override
    public String whereLooked() {
      return "mirror m";
    }
  };

  private void offer(String name, String version, String requires) {
    var m = TestPackages.manifest(name, version, PackageType.SOURCE, "", List.of(), requires);
    known.computeIfAbsent(m.name(), n -> new ArrayList<>())
        .add(Candidate.remote(mirror, new IndexEntry(m, "packages/x", 1, "0".repeat(64))));
  }

  private void installed(String name, String version, String requires) {
    var m = TestPackages.manifest(name, version, PackageType.SOURCE, "", List.of(), requires);
    known.computeIfAbsent(m.name(), n -> new ArrayList<>())
        .add(Candidate.installed(new GuildPackage(m, Path.of("/store", name, version))));
  }

  private List<String> resolve(String... specs) {
    List<Requirement> reqs = java.util.Arrays.stream(specs).map(Requirement::parse).toList();
    return new Resolver(source).resolve(reqs).order().stream().map(Candidate::toString).toList();
  }

  @Test
  void picksTheHighestVersionAndPullsInRequiresInDependencyOrder() {
    offer("data", "1.0", "");
    offer("data", "1.10", "");
    offer("data", "1.9", "");
    offer("model", "1.0", "data >= 1.0, data < 1.10");
    offer("model", "2.0", "data >= 1.0");
    assertThat(resolve("model")).containsExactly("data@1.10", "model@2.0");
    assertThat(resolve("model@1.0")).containsExactly("data@1.9", "model@1.0");
    assertThat(resolve("model<2")).containsExactly("data@1.9", "model@1.0");
  }

  @Test
  void aLaterConstraintChangesAnEarlierPick() {
    offer("data", "1.0", "");
    offer("data", "2.0", "");
    offer("app", "1.0", "data, model");
    offer("model", "1.0", "data < 2.0");
    assertThat(resolve("app")).containsExactly("data@1.0", "model@1.0", "app@1.0");
  }

  @Test
  void aSatisfyingInstalledDependencyIsKeptButARequestedPackageGoesToTheNewest() {
    installed("data", "1.0", "");
    offer("data", "1.0", "");
    offer("data", "2.0", "");
    offer("model", "1.0", "data >= 1.0");
    Resolution r = new Resolver(source).resolve(List.of(Requirement.parse("model")));
    assertThat(r.order()).extracting(Candidate::toString).containsExactly("data@1.0", "model@1.0");
    assertThat(r.toInstall()).extracting(Candidate::toString).containsExactly("model@1.0");
    assertThat(resolve("data")).containsExactly("data@2.0");
  }

  @Test
  void aConflictNamesBothSides() {
    offer("data", "1.0", "");
    offer("data", "2.0", "");
    offer("a", "1.0", "data >= 2.0");
    offer("b", "1.0", "data < 2.0");
    assertThatThrownBy(() -> resolve("a", "b"))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("conflict on data")
        .hasMessageContaining("a@1.0 requires >= 2.0")
        .hasMessageContaining("b@1.0 requires < 2.0");
  }

  @Test
  void unknownPackagesAndUnsatisfiableConstraintsAreNamed() {
    offer("data", "1.0", "");
    offer("model", "1.0", "data >= 3");
    assertThatThrownBy(() -> resolve("nothing")).hasMessageContaining("package nothing (requested) was not found in mirror m");
    assertThatThrownBy(() -> resolve("model"))
        .hasMessageContaining("no version of data satisfies '>= 3' (model@1.0)")
        .hasMessageContaining("available in mirror m: 1.0");
  }
}
