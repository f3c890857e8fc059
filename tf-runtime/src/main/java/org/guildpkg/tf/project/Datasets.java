package org.guildpkg.tf.project;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.train.DatasetExamples;
import org.guildpkg.tf.train.ExampleSource;

/** Finds a dataset package for the training commands and opens its splits as examples. */
public final class Datasets {
  private Datasets() {}

  /**
   * A dataset package and its view.
   *
   * @param ref its name and version
   * @param spec how to find it again: its folder, or NAME@VERSION when installed
   * @param dataset its splits, features and classes
   */
  public record Resolved(PackageRef ref, String spec, Dataset dataset) {
    /** One split, such as {@code train} or {@code test}, read into memory. */
    public ExampleSource split(String name) {
      return DatasetExamples.load(dataset.split(name));
    }
  }

  /**
   * The dataset a run trained on: the spec it recorded ({@code dataset_spec}: a folder or
   * NAME@VERSION), else its dataset's NAME@VERSION.
   */
  public static String specOf(RunFolder run) {
    var info = run.info();
    if (info.path("dataset_spec").isTextual()) {
      return info.get("dataset_spec").asText();
    }
    return PackageRef.fromJson(info.get("dataset")).map(PackageRef::toString).orElseThrow(() ->
        new GuildException(run + ": run.json names no dataset; give --dataset"));
  }

  /** The dataset that {@code spec} names: a dataset package folder, else an installed package. */
  public static Resolved resolve(String spec, Path home, boolean offline) {
    Path folder = Path.of(spec);
    if (Files.isDirectory(folder)) {
      Path abs = folder.toAbsolutePath().normalize();
      return new Resolved(refOf(abs), abs.toString(), Dataset.open(abs));
    }
    GuildPackage pkg = Packages.load(spec, home, offline);
    PackageRef ref = new PackageRef(pkg.name().value(), pkg.version().value());
    return new Resolved(ref, ref.toString(), Dataset.of(pkg));
  }

  private static PackageRef refOf(Path folder) {
    Path m = folder.resolve(PackageFormat.MANIFEST);
    if (Files.isRegularFile(m)) {
      try {
        Manifest manifest = Manifest.fromJson(RunFolder.JSON.readTree(m.toFile()), m.toString());
        return new PackageRef(manifest.name().value(), manifest.version().value());
      } catch (IOException e) {
        throw new GuildException(m + ": cannot read: " + e.getMessage(), e);
      }
    }
    return new PackageRef(folder.getFileName().toString(), "0");
  }

}
