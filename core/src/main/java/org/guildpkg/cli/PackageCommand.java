package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.build.SourceSearchPath;
import org.guildpkg.spec.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild package [DIR]}: builds {@code NAME-VERSION.pkg.tar.zst} from a package folder, or
 * with {@code --gen-checksums} prints the {@code sha256sums} block for its sources.
 *
 * <p>Its {@code --version X} (a run package's version) takes the place of the standard help
 * options' {@code --version}, as {@code deploy}'s does, so it declares {@code --help} alone;
 * {@code guild --version} still prints guild's version.
 */
@Command(
    name = "package",
    description = {
      "Build NAME-VERSION.pkg.tar.zst from a package folder.",
      "Fetches and verifies the sources listed in the folder's GuildPkg, runs the packager's"
          + " prepare, build, check and package functions, and writes a reproducible archive.",
      "Progress and the packager's output go to standard error; the archive's path is the last"
          + " line of standard output."
    })
final class PackageCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = ".",
      paramLabel = "DIR",
      description = "The package folder holding the GuildPkg (default: the current folder).")
  Path dir;

  @Option(
      names = "--run",
      paramLabel = "ID",
      description = "Package training run ID of the project DIR: the folder DIR/runs/ID, whose"
          + " GuildPkg guild train wrote (default: package DIR itself).")
  String run;

  @Option(
      names = "--version",
      paramLabel = "X",
      description = "With --run: the model package's version (such as 1.1 or 2.0-rc1) instead of"
          + " the source's version + the run number; an existing archive of that name and version"
          + " with other content is not overwritten (default: the run's GuildPkg version).")
  String version;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Write the archive into DIR (default: the package folder).")
  Path output;

  @Option(
      names = "--nocheck",
      description = "Do not run the packager's check() function (default: run it).")
  boolean noCheck;

  @Option(
      names = "--sources",
      paramLabel = "DIR",
      description = "Look for URL sources in DIR before downloading them: a file there with the"
          + " source's name and sha256 is used (repeatable; searched before $GUILD_SOURCES,"
          + " a colon-separated list of folders).")
  List<Path> sources = new ArrayList<>();

  @Option(
      names = "--gen-checksums",
      description = "Fetch the sources and print the 'sha256sums = \\' block to paste into the"
          + " GuildPkg; builds nothing (default: off).")
  boolean genChecksums;

  @Option(names = "--json", description = "Print a JSON object {archive, bytes} (with --gen-checksums: {sha256sums}) instead of the path (default: the path).")
  boolean json;

  @Override
  public Integer call() {
    if (version != null && run == null) {
      throw new GuildException("--version X is for a training run's package (guild package --run ID"
          + " --version X); for a package folder, set 'version' in its GuildPkg");
    }
    if (version != null && !Version.isValid(version)) {
      throw new GuildException("invalid --version '" + version + "': expected dotted numbers with an"
          + " optional -suffix, such as 1.2 or 2.0-rc1");
    }
    if (run != null) {
      Path runDir = dir.resolve("runs").resolve(run);
      if (!java.nio.file.Files.isRegularFile(runDir.resolve("GuildPkg"))) {
        throw new GuildException(
            runDir.toAbsolutePath() + " has no GuildPkg: is this a project folder, and did"
                + " 'guild train' finish run " + run + "?");
      }
      dir = runDir;
    }
    PackageBuilder builder = parent.guildHome().packageBuilder(dir)
        .noCheck(noCheck)
        .sources(SourceSearchPath.fromEnvironment().withFirst(sources));
    if (output != null) {
      builder.output(output);
    }
    if (version != null) {
      builder.version(Version.parse(version));
    }
    if (genChecksums) {
      var sums = builder.checksums();
      if (json) {
        ObjectNode o = PackageJson.JSON.createObjectNode();
        sums.forEach(o.putArray("sha256sums")::add);
        parent.printJson(o);
      } else {
        parent.out().println(PackageBuilder.checksumsBlock(sums));
      }
    } else {
      Path archive = builder.build();
      if (json) {
        ObjectNode o = PackageJson.JSON.createObjectNode();
        o.put("archive", archive.toAbsolutePath().toString());
        o.put("bytes", archive.toFile().length());
        parent.printJson(o);
      } else {
        parent.out().println(archive);
      }
    }
    parent.out().flush();
    return 0;
  }
}
