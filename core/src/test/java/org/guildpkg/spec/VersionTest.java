package org.guildpkg.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.guildpkg.GuildException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VersionTest {

  /** Each row: lower < higher. */
  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource({
    "1, 2",
    "1.9, 1.10",
    "1.2, 1.10",
    "1.0, 1.0.1",
    "1, 1.0.1",
    "0.9.9, 1",
    "1.0-rc1, 1.0",
    "1.0-rc2, 1.0-rc10",
    "1.0-alpha, 1.0-beta",
    "1.0-beta, 1.0-rc1",
    "1.0-rc1, 1.0.1-rc1",
    "1.0-rc.a, 1.0-rc.1",
    "1.0-rc, 1.0-rc1",
    "1.0-rc9, 1.0-rc10",
    "2.0-rc1, 2.0",
    "1.99, 2.0-alpha",
    "1, 1.0",
    "1.01, 1.1",
    "9, 10",
    "10.0, 10.0.0",
    "1.2.3, 1.2.10",
    "99999999999999999999, 100000000000000000000",
  })
  void versionsOrderAsDocumented(String lower, String higher) {
    Version a = Version.parse(lower);
    Version b = Version.parse(higher);
    assertThat(a).isLessThan(b);
    assertThat(b).isGreaterThan(a);
  }

  @Test
  void onlyEqualStringsCompareEqualAndSortingIsStable() {
    List<String> sorted = List.of("0.1", "1-alpha", "1-rc1", "1", "1.0", "1.0.1", "1.9", "1.10",
        "2.0-rc2", "2.0-rc10", "2.0");
    List<Version> shuffled = new ArrayList<>(sorted.stream().map(Version::parse).toList());
    Collections.shuffle(shuffled, new java.util.Random(42));
    Collections.sort(shuffled);
    assertThat(shuffled).extracting(Version::value).containsExactlyElementsOf(sorted);
    assertThat(Version.parse("1.0").compareTo(Version.parse("1.0"))).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "1.", ".1", "1..2", "1.0-", "1.0-rc 1", "v1.0", "1_0"})
  void badVersionsNameTheValue(String bad) {
    assertThatThrownBy(() -> Version.parse(bad))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("invalid version '" + bad.trim() + "'");
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(delimiter = '|', value = {
    ">= 1.0        | 1.0      | true",
    ">= 1.0        | 0.9      | false",
    ">1.0          | 1.0      | false",
    ">1.0          | 1.0.1    | true",
    "< 2.0         | 2.0-rc1  | true",
    "<= 2.0        | 2.0      | true",
    "= 1.10        | 1.10     | true",
    "=1.10         | 1.9      | false",
    ">= 1.0, < 2.0 | 1.5      | true",
    ">= 1.0, < 2.0 | 2.0      | false",
    ">= 1.0,<2.0   | 0.5      | false",
    "''            | 0.0.1    | true",
    "== 1.0.1      | 1.0.1    | true",
    "==1.0.1       | 1.0.10   | false",
    "==1.0, <2.0   | 1.0      | true",
  })
  void constraintsMatchVersions(String constraint, String version, boolean matches) {
    assertThat(VersionConstraint.parse(constraint).test(Version.parse(version))).isEqualTo(matches);
  }

  @Test
  void constraintsPrintAsTheyParse() {
    VersionConstraint c = VersionConstraint.parse(">=1.0,<2.0");
    assertThat(c.toString()).isEqualTo(">= 1.0, < 2.0");
    assertThat(VersionConstraint.parse(c.toString())).isEqualTo(c);
    assertThat(VersionConstraint.parse("  ").isAny()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {">=", "1.0", "=> 1.0", ">= 1.0,", ">= x", "~1.0", ">= 1.0 < 2.0", "!= 1", "=== 1"})
  void badConstraintsNameTheText(String bad) {
    assertThatThrownBy(() -> VersionConstraint.parse(bad))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("invalid version constraint '" + bad.trim() + "'");
  }

  @Test
  void pipsDoubleEqualsIsTheExactConstraint() {
    assertThat(Requirement.parse("foo==1.0.1")).isEqualTo(Requirement.parse("foo@1.0.1"));
    assertThat(Requirement.parse("foo == 1.0.1").toString()).isEqualTo("foo = 1.0.1");
    assertThat(Requirement.parseList("foo==1.0.1, bar")).hasSize(2);
  }

  @Test
  void requiresListsJoinTermsOnOneName() {
    List<Requirement> r = Requirement.parseList("fashion-mnist >= 1.0, < 2.0, other");
    assertThat(r).hasSize(2);
    assertThat(r.get(0).name().value()).isEqualTo("fashion-mnist");
    assertThat(r.get(0).constraint().test(Version.parse("1.5"))).isTrue();
    assertThat(r.get(0).constraint().test(Version.parse("2.0"))).isFalse();
    assertThat(r.get(1).constraint().isAny()).isTrue();
    assertThat(Requirement.parseList(r.get(0) + ", " + r.get(1))).isEqualTo(r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a >= x", ">= 1.0", "a,,b", "A >= 1", "a >> 1"})
  void badRequiresFail(String bad) {
    assertThatThrownBy(() -> Requirement.parseList(bad)).isInstanceOf(GuildException.class);
  }
}
