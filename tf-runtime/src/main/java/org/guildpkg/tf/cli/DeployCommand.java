package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.guildpkg.GuildPackages;
import org.guildpkg.PackageFolder;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.model.Deployer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild deploy SPEC --to DIR}: writes a model in TensorFlow Serving's layout.
 *
 * <p>Its {@code --version N} (the contract's flag) takes the place of the standard help options'
 * {@code --version}, so it declares {@code --help} alone; {@code guild --version} still works.
 */
@Command(
    name = "deploy",
    description = {
      "Write a model package as DIR/NAME/VERSION/ (saved_model.pb, variables/, assets/) for"
          + " TensorFlow Serving's --model_base_path=DIR/NAME.",
      "Never overwrites a version; prints the folder it wrote. Leaves out train, evaluate and"
          + " every signature that changes the model's variables unless --allow-signature names it."
    })
final class DeployCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(
      index = "0",
      paramLabel = "SPEC",
      description = "An installed model package (NAME or NAME@VERSION) or a SavedModel folder.")
  String spec;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DIR",
      description = "The model base folder; the model goes to DIR/NAME/VERSION/ (required).")
  Path to;

  @Option(
      names = "--version",
      paramLabel = "N",
      description = "The integer version to write (default: one more than the highest in DIR/NAME,"
          + " 1 for the first).")
  Long version;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The model's name in DIR and in TensorFlow Serving's URLs (default: the"
          + " package's name, or the folder's name).")
  String name;

  @Option(
      names = "--allow-signature",
      paramLabel = "NAME",
      description = "Keep the signature NAME in the deployment even though it is train, evaluate or"
          + " changes the model's variables (left out by default, so the fleet's clients cannot"
          + " change the model). Repeatable.")
  List<String> allowSignatures = new ArrayList<>();

  @Option(names = "--json", description = "Print a JSON object {name, version, path, left_out} instead of the folder's path (default: the path).")
  boolean json;

  @Override
  public Integer call() {
    PackageFolder r = GuildPackages.at(parent.home()).offline(parent.offline()).resolve(spec);
    Deployer.Deployment d = Deployer.to(to).allowSignatures(Set.copyOf(allowSignatures)).deploy(
        r.folder(), name != null ? name : r.name(),
        version == null ? OptionalLong.empty() : OptionalLong.of(version));
    parent.err().println("deployed " + r.label() + " as " + d.name() + " version " + d.version()
        + (d.leftOut().isEmpty() ? "" : " without the signatures " + String.join(", ", d.leftOut())
            + " (keep one with --allow-signature NAME)"));
    if (json) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("name", d.name());
      o.put("version", d.version());
      o.put("path", d.path().toAbsolutePath().toString());
      d.leftOut().forEach(o.putArray("left_out")::add);
      parent.printJson(o);
    } else {
      parent.out().println(d.path());
    }
    return 0;
  }
}
