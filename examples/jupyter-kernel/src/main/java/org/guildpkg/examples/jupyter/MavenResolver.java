package org.guildpkg.examples.jupyter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The {@code %maven GROUP:ARTIFACT:VERSION...} magic: resolves the artifacts and their transitive
 * runtime dependencies offline from the local Maven repository, by running Maven itself
 * ({@code mvn -o dependency:build-classpath} on a throwaway POM), so Maven's own settings apply:
 * {@code ~/.m2/repository}, or another local repository through {@code MAVEN_OPTS}.
 */
final class MavenResolver {
  private static final Pattern COORDS = Pattern.compile("[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.+-]+");

  private MavenResolver() {}

  /** The jars of {@code coordinates} and their runtime dependencies, in class-path order. */
  static List<String> resolve(List<String> coordinates) throws IOException, InterruptedException {
    if (coordinates.isEmpty()) {
      throw new IllegalArgumentException("%maven needs GROUP:ARTIFACT:VERSION coordinates");
    }
    StringBuilder deps = new StringBuilder();
    for (String c : coordinates) {
      if (!COORDS.matcher(c).matches()) {
        throw new IllegalArgumentException("%maven: '" + c + "' is not GROUP:ARTIFACT:VERSION");
      }
      String[] p = c.split(":");
      deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
          .append("</artifactId><version>").append(p[2]).append("</version></dependency>");
    }
    Path dir = Files.createTempDirectory("guild-kernel-maven");
    try {
      Files.writeString(dir.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion>"
          + "<groupId>kernel</groupId><artifactId>notebook</artifactId><version>1</version>"
          + "<dependencies>" + deps + "</dependencies></project>");
      Path cp = dir.resolve("classpath.txt");
      Path log = dir.resolve("mvn.log");
      List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "-o", "-f", dir.resolve("pom.xml").toString(),
          "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
          "-Dmdep.outputFile=" + cp, "-Dmdep.includeScope=runtime"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("%maven: mvn did not finish within 10 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IOException("%maven: resolving " + coordinates + " offline failed (is it in the local"
            + " repository? run mvn install): " + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
      String text = Files.readString(cp, StandardCharsets.UTF_8).strip();
      List<String> jars = new ArrayList<>();
      for (String e : text.split(java.io.File.pathSeparator)) {
        if (!e.isBlank()) {
          jars.add(e);
        }
      }
      return jars;
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
