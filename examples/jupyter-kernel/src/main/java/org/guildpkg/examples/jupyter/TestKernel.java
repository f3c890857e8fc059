package org.guildpkg.examples.jupyter;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.LineMagicArgs;
import io.github.spencerpark.jupyter.kernel.magic.MagicParser;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * A Jupyter kernel for Java, for CI only: JShell running snippets in this JVM, IJava's base
 * library for the protocol and rich display, and the two magics Guild's notebook uses,
 * {@code %jars PATH...} and {@code %maven GROUP:ARTIFACT:VERSION...}. Users run notebooks in IJava.
 *
 * <p>Usage (as kernel.json's argv): {@code java -cp guild-test-kernel.jar:lib/*
 * org.guildpkg.examples.jupyter.TestKernel CONNECTION_FILE}.
 */
public final class TestKernel extends BaseKernel {
  private static volatile TestKernel instance;

  private final InProcessExecution execution = new InProcessExecution();
  private final JShell shell;
  private final MagicParser magics = new MagicParser();

  private TestKernel() throws IOException {
    shell = JShell.builder().executionEngine(execution, Map.of()).build();
    // The snippets compile against the kernel's own classes (Display) and base library; at run
    // time those come from this JVM's class path, so rendered objects are the kernel's types.
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        shell.addToClasspath(entry);
      }
    }
    evalOrThrow("import static org.guildpkg.examples.jupyter.Display.display;");
    evalOrThrow("import static org.guildpkg.examples.jupyter.Display.render;");
  }

  /** The running kernel, for {@link Display}. */
  static TestKernel instance() {
    TestKernel k = instance;
    if (k == null) {
      throw new IllegalStateException("no kernel is running");
    }
    return k;
  }

  /** Starts the kernel on the connection file Jupyter passes and serves until shut down. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: TestKernel CONNECTION_FILE");
      System.exit(2);
    }
    // The base library logs every protocol message at INFO (java.util.logging) to stderr.
    for (Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
      h.setLevel(Level.WARNING);
    }
    KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
    JupyterConnection connection = new JupyterConnection(props);
    instance = new TestKernel();
    instance.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
  }

  @Override
  public LanguageInfo getLanguageInfo() {
    return new LanguageInfo("Java", Runtime.version().toString(), "text/x-java-source", ".jshell",
        "java", "java", "script");
  }

  @Override
  public String getBanner() {
    return "Guild's test kernel (JShell " + Runtime.version() + "); use IJava for real work";
  }

  /** Runs the cell's magics, then its Java snippets; returns the last expression's value, rendered. */
  @Override
  public DisplayData eval(String code) throws Exception {
    List<Exception> magicErrors = new ArrayList<>();
    String java = magics.transformLineMagics(code, ctx -> {
      try {
        lineMagic(ctx.getMagicCall());
      } catch (Exception e) {
        magicErrors.add(e);
      }
      return "";
    });
    if (!magicErrors.isEmpty()) {
      throw magicErrors.get(0);
    }
    Optional<Object> value = Optional.empty();
    boolean showValue = false;
    String remaining = java;
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (!info.completeness().isComplete()) {
        throw new IllegalArgumentException("incomplete Java code: " + remaining.strip());
      }
      execution.clearLastValue();
      List<SnippetEvent> events = shell.eval(info.source());
      showValue = false;
      for (SnippetEvent e : events) {
        if (e.causeSnippet() != null) {
          continue;
        }
        if (e.exception() != null) {
          throw e.exception();
        }
        if (e.status() == Snippet.Status.REJECTED) {
          throw new IllegalArgumentException(diagnostics(e.snippet()));
        }
        Snippet s = e.snippet();
        showValue = s.kind() == Snippet.Kind.EXPRESSION
            || s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
      }
      value = execution.lastValue();
      remaining = info.remaining();
    }
    return showValue && value.isPresent() ? getRenderer().render(value.get()) : null;
  }

  private String diagnostics(Snippet s) {
    String src = s.source().strip();
    return shell.diagnostics(s)
        .map(d -> d.getMessage(null) + " (at '" + excerpt(src, d) + "')")
        .collect(Collectors.joining("; ", "does not compile: ", ""));
  }

  private static String excerpt(String src, Diag d) {
    int from = (int) Math.max(0, Math.min(src.length(), d.getStartPosition()));
    int to = (int) Math.max(from, Math.min(src.length(), d.getEndPosition()));
    return src.substring(from, to);
  }

  private void lineMagic(LineMagicArgs call) throws Exception {
    switch (call.getName()) {
      case "jars" -> {
        for (String arg : call.getArgs()) {
          for (Path p : expand(arg)) {
            shell.addToClasspath(p.toAbsolutePath().toString());
          }
        }
      }
      case "maven" -> MavenResolver.resolve(call.getArgs()).forEach(shell::addToClasspath);
      default -> throw new IllegalArgumentException(
          "%" + call.getName() + " is not a magic of this test kernel (it has %jars and %maven)");
    }
  }

  /** A path, or the files a glob in its last part matches ({@code lib/*.jar}). */
  private static List<Path> expand(String arg) throws IOException {
    Path p = Path.of(arg);
    String last = p.getFileName() == null ? "" : p.getFileName().toString();
    if (!last.contains("*") && !last.contains("?")) {
      if (!Files.exists(p)) {
        throw new IOException("%jars: " + p.toAbsolutePath() + " does not exist");
      }
      return List.of(p);
    }
    Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, last)) {
      ds.forEach(out::add);
    }
    if (out.isEmpty()) {
      throw new IOException("%jars: nothing matches " + p.toAbsolutePath());
    }
    out.sort(null);
    return out;
  }

  private void evalOrThrow(String code) {
    for (SnippetEvent e : shell.eval(code)) {
      if (e.status() == Snippet.Status.REJECTED) {
        throw new IllegalStateException(diagnostics(e.snippet()));
      }
    }
  }

  /** An exception of a snippet as Java prints it: its class, message and the snippet's stack. */
  @Override
  public List<String> formatError(Exception e) {
    List<String> lines = new ArrayList<>();
    if (e instanceof EvalException ee) {
      lines.add(ee.getExceptionClassName() + ": " + ee.getMessage());
      for (StackTraceElement s : ee.getStackTrace()) {
        lines.add("\tat " + s);
      }
      Throwable cause = ee.getCause();
      while (cause != null) {
        String name = cause instanceof EvalException c ? c.getExceptionClassName() : cause.getClass().getName();
        lines.add("Caused by: " + name + ": " + cause.getMessage());
        cause = cause.getCause();
      }
    } else if (e instanceof UnresolvedReferenceException ue) {
      lines.add("unresolved reference in: " + ue.getSnippet().source().strip());
    } else {
      lines.add(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return lines;
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    shell.close();
  }
}
