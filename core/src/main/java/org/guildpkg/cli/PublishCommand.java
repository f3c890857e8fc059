package org.guildpkg.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.mirror.IndexEntry;
import org.guildpkg.mirror.Publisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild publish ARCHIVE... --mirror URL [--key FILE] [--label LABEL]...}: adds archives to a
 * mirror, optionally pointing labels at them in the same signed index update.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = "Add package archives to a mirror (file:// folder, http(s):// WebDAV server, or s3:// with guild-s3)"
        + " and re-sign its index.")
final class PublishCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "1..*", paramLabel = "ARCHIVE", description = "Package archives (.pkg.tar.zst) to publish.")
  List<Path> archives;

  @picocli.CommandLine.Mixin PublishTarget target = new PublishTarget();

  @Option(names = "--label", paramLabel = "LABEL",
      description = "Point the mirror label LABEL (such as stable or best) at each published package's"
          + " version, in the same signed index update; repeatable (default: no label changes)."
          + " 'guild label set' moves a label later.")
  List<String> labels = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    labels.forEach(org.guildpkg.spec.LabelSpec::checkLabel);
    Publisher.PublishResult r = Publisher.publish(archives, labels, target.transport(parent), target.signingKey());
    for (IndexEntry e : r.added()) {
      parent.out().println("published " + e.manifest().id() + " (" + e.size() + " bytes)");
    }
    for (IndexEntry e : r.unchanged()) {
      parent.out().println("unchanged " + e.manifest().id() + " (already on the mirror)");
    }
    for (Publisher.LabelChange c : r.labelled()) {
      parent.out().println("labelled " + c);
    }
    parent.out().println("index serial " + r.serial() + (target.key == null ? ", unsigned" : ", signed"));
    return 0;
  }
}
