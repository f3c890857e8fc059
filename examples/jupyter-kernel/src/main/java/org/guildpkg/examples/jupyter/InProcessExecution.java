package org.guildpkg.examples.jupyter;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's local execution engine (snippets run in this JVM, as with
 * {@code LocalExecutionControlProvider}) that also keeps the last snippet's value as an object, so
 * that the kernel can render it richly instead of as JShell's string. Snippets run on the kernel's
 * thread with the snippet class loader as the context class loader, as in IJava.
 */
final class InProcessExecution implements ExecutionControlProvider {
  private Control control;

  @Override
  public String name() {
    return "guild-in-process";
  }

  @Override
  public Map<String, String> defaultParameters() {
    return Map.of();
  }

  @Override
  public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
    control = new Control();
    return control;
  }

  /** The value the last executed snippet returned (empty for none or null). */
  Optional<Object> lastValue() {
    return control == null ? Optional.empty() : Optional.ofNullable(control.last);
  }

  /** Forgets the last value, before a new snippet runs. */
  void clearLastValue() {
    if (control != null) {
      control.last = null;
    }
  }

  private static final class Control extends LocalExecutionControl {
    private volatile Object last;

    @Override
    protected String invoke(Method doitMethod) throws Exception {
      Thread t = Thread.currentThread();
      ClassLoader before = t.getContextClassLoader();
      t.setContextClassLoader(doitMethod.getDeclaringClass().getClassLoader());
      try {
        Object value = doitMethod.invoke(null);
        last = value;
        return valueString(value);
      } finally {
        t.setContextClassLoader(before);
      }
    }
  }
}
