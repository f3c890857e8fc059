package org.guildpkg.tf.project;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackages;
import org.guildpkg.PackageFolder;
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

  /**
   * The dataset that {@code spec} names, resolved by core's one SPEC resolver ({@link
   * GuildHome#resolve}): a dataset folder (a package folder or a folder of TFRecords), an archive,
   * else an installed package (installed from the mirrors when absent and not offline).
   */
  public static Resolved resolve(String spec, Path home, boolean offline) {
    PackageFolder f = GuildPackages.at(home).offline(offline).resolve(spec);
    PackageRef ref = new PackageRef(f.name(), f.version());
    if (Files.isDirectory(Path.of(spec))) {
      return new Resolved(ref, f.folder().toString(), Dataset.open(f.folder()));
    }
    return new Resolved(ref, ref.toString(), Dataset.of(f.requirePackage()));
  }

}
