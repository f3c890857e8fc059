package org.guildpkg.tf.project;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.PackageFolder;
import org.guildpkg.io.FileOps;
import org.guildpkg.spec.PackageType;

/**
 * Model projects: folders made by {@code guild init} from a source package, holding
 * {@code model.json}, the Java sources, {@code .guild/source.json} (which package they came
 * from) and the {@code runs/} of {@code guild train}.
 */
public final class Projects {
  /** Files of a package folder that a project does not copy. */
  private static final Set<String> SKIP = Set.of("GuildPkg", "packager", "runs");

  private Projects() {}

  /**
   * A source package to start a project from.
   *
   * @param folder the package's files
   * @param source its name and version
   * @param descriptor its model.json
   */
  public record Template(Path folder, PackageRef source, ModelDescriptor descriptor) {}

  /**
   * Finds a template through core's SPEC resolver: a folder holding model.json (a source
   * package's maintainer folder or an unpacked package), an archive, else an installed source
   * package.
   */
  public static Template template(String spec, Path home, boolean offline) {
    PackageFolder f = GuildPackages.at(home).offline(offline).resolve(spec);
    if (Files.isDirectory(Path.of(spec))) {
      Path abs = f.folder();
      return new Template(abs, new PackageRef(abs.getFileName().toString(), "0"), ModelDescriptor.read(abs));
    }
    GuildPackage pkg = f.requirePackage();
    if (pkg.type() != PackageType.SOURCE) {
      throw new GuildException(pkg + " is a " + pkg.type() + " package; --template needs a source package");
    }
    return new Template(pkg.path(), new PackageRef(pkg.name().value(), pkg.version().value()),
        ModelDescriptor.read(pkg.path()));
  }

  /**
   * Copies a template's files into a new project folder {@code dir} (absent or empty), whole or
   * not at all.
   */
  public static Path init(Template t, Path dir) {
    Path target = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(target)) {
        try (var s = Files.list(target)) {
          if (s.findAny().isPresent()) {
            throw new GuildException(target + " exists and is not empty; choose a new folder");
          }
        }
        Files.delete(target);
      }
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling("." + target.getFileName() + ".init-" + ProcessHandle.current().pid());
      FileOps.deleteTree(tmp);
      Files.createDirectories(tmp);
      try (var walk = Files.walk(t.folder())) {
        for (Path p : walk.toList()) {
          Path rel = t.folder().relativize(p);
          if (rel.toString().isEmpty() || skipped(rel)) {
            continue;
          }
          Path to = tmp.resolve(rel.toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
            to.toFile().setWritable(true, true);
          }
        }
      }
      Files.createDirectories(tmp.resolve(".guild"));
      RunFolder.JSON.writeValue(tmp.resolve(".guild/source.json").toFile(), t.source().toJson());
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new GuildException("cannot create project " + target + ": " + e.getMessage(), e);
    }
  }

  private static boolean skipped(Path rel) {
    String first = rel.getName(0).toString();
    return first.startsWith(".") || SKIP.contains(first);
  }

  /** The source package a project came from, or the project's folder name when it has none. */
  public static PackageRef source(Path project) {
    Path f = project.resolve(".guild/source.json");
    if (Files.isRegularFile(f)) {
      try {
        return PackageRef.fromJson(RunFolder.JSON.readTree(f.toFile()))
            .orElseThrow(() -> new GuildException(f + ": needs \"name\" and \"version\""));
      } catch (IOException e) {
        throw new GuildException(f + ": cannot read: " + e.getMessage(), e);
      }
    }
    return new PackageRef(project.toAbsolutePath().normalize().getFileName().toString(), "0");
  }

  /** A project's runs folder. */
  public static Path runs(Path project) {
    return project.resolve("runs");
  }

}
