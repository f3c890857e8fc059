package org.guildpkg.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code guild completion bash|zsh}: prints a shell completion script for {@code guild}, its
 * subcommands and options (picocli's {@link AutoComplete}; the script serves zsh through
 * {@code bashcompinit}).
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a completion script for bash or zsh.",
      "bash: source <(guild completion bash)   (or save it in ~/.local/share/bash-completion/completions/guild)",
      "zsh:  source <(guild completion zsh)    (in ~/.zshrc)"
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine root = spec.commandLine().getParent();
    String script = AutoComplete.bash("guild", root);
    if (shell == Shell.zsh) {
      // picocli's script runs in zsh once bash's completion functions are loaded.
      script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
    }
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
