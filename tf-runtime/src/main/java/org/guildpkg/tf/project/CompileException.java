package org.guildpkg.tf.project;

import java.util.List;
import org.guildpkg.GuildException;

/** A model project's Java sources did not compile; each error reads {@code file:line: message}. */
public final class CompileException extends GuildException {
  private static final long serialVersionUID = 1L;

  /** Every error, one {@code file:line: message} line each. */
  private final List<String> errors;

  CompileException(List<String> errors) {
    super("compile error: " + errors.get(0)
        + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
    this.errors = List.copyOf(errors);
  }

  /** Every error, one {@code file:line: message} line each. */
  public List<String> errors() {
    return errors;
  }
}
