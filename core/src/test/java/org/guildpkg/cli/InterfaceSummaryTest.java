package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.spi.PackageInspector.SummaryLine;
import org.junit.jupiter.api.Test;

/** Package types describe their own interface data; core prints the rest generically. */
class InterfaceSummaryTest {
  private static final JsonNode DATA = json("{\"splits\": {\"train\": {\"examples\": 3}}, \"classes\": [\"a\", \"b\"], \"size\": 7}");

  /** Describes only {@code classes} of dataset packages. */
  static final class ClassesInspector implements PackageInspector {
    @Override
    public void inspect(Manifest manifest, Path pkgdir, com.fasterxml.jackson.databind.node.ObjectNode data) {}

    @Override
    public Set<String> summarizedKeys(PackageType type) {
      return type == PackageType.DATASET ? Set.of("classes") : Set.of();
    }

    @Override
    public List<SummaryLine> summarize(PackageType type, JsonNode data) {
      return List.of(new SummaryLine("labels", data.path("classes").size() + " classes"));
    }
  }

  @Test
  void aTypeNoInspectorDescribesPrintsEveryKeyGenerically() {
    assertThat(InterfaceSummary.of(List.of(), PackageType.DATASET, DATA)).containsExactly(
        new SummaryLine("splits", "train"), new SummaryLine("classes", "a, b"), new SummaryLine("size", "7"));
  }

  @Test
  void aTypeAnInspectorDescribesPrintsItsLinesOnly() {
    List<PackageInspector> inspectors = List.of(new ClassesInspector());
    assertThat(InterfaceSummary.of(inspectors, PackageType.DATASET, DATA))
        .containsExactly(new SummaryLine("labels", "2 classes"));
    assertThat(InterfaceSummary.of(inspectors, PackageType.MODEL, DATA)).hasSize(3);
  }

  private static JsonNode json(String s) {
    try {
      return new ObjectMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
