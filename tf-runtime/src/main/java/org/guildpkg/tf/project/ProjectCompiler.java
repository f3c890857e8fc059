package org.guildpkg.tf.project;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.guildpkg.tf.author.ModelCode;
import org.guildpkg.tf.train.TrainableModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a model project's {@code .java} files in-process with the JDK's compiler, against the
 * library's own class path, and loads its {@link ModelCode} in a child class loader: a user edits
 * a source file and trains with no build step.
 *
 * <pre>{@code
 * try (ProjectCompiler.Compiled c = ProjectCompiler.compile(project, descriptor, classes)) {
 *   TrainableModel m = TrainableModel.build(c.code(), flags, spec, seed);
 * }
 * }</pre>
 */
public final class ProjectCompiler {
  private static final Logger log = LoggerFactory.getLogger(ProjectCompiler.class);

  private ProjectCompiler() {}

  /**
   * A project's compiled model code and the class loader that holds its classes; closing it
   * closes the loader (a graph built from the code stays usable: it no longer needs the classes).
   */
  public static final class Compiled implements AutoCloseable {
    private final ModelCode code;
    private final URLClassLoader loader;

    private Compiled(ModelCode code, URLClassLoader loader) {
      this.code = code;
      this.loader = loader;
    }

    /** The instance of the class that {@code model.json} names. */
    public ModelCode code() {
      return code;
    }

    /** Closes the class loader of the project's classes. */
    @Override
    public void close() {
      closeQuietly(loader);
    }
  }

  /**
   * Compiles every {@code .java} file under {@code project} (except in {@code runs/} and
   * dot-folders) into {@code classes} and creates the {@link ModelCode} named by
   * {@code model.json}; the caller closes the result.
   *
   * @throws CompileException listing each error as {@code file:line: message}, file relative to
   *     the project
   * @throws GuildException when no JDK compiler is present or the class is not a ModelCode
   */
  public static Compiled compile(Path project, ModelDescriptor descriptor, Path classes) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new GuildException(
          "no Java compiler in this runtime (" + System.getProperty("java.home")
              + "): run guild with a JDK, not a JRE");
    }
    List<Path> sources = sources(project);
    if (sources.isEmpty()) {
      throw new GuildException(project + ": no .java sources to compile");
    }
    try {
      FileOps.deleteTree(classes);
      Files.createDirectories(classes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options =
          List.of("-classpath", classPath(), "-d", classes.toString(), "-encoding", "UTF-8",
              "-proc:none", "--release", "17", "-nowarn");
      boolean ok =
          javac.getTask(null, fm, diags, options, null,
              fm.getJavaFileObjectsFromPaths(sources)).call();
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          String file = d.getSource() == null ? "?" : relative(project, Path.of(d.getSource().toUri()));
          errors.add(file + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT).lines().findFirst().orElse(""));
        }
      }
      if (!ok) {
        throw new CompileException(errors.isEmpty() ? List.of(project + ": javac failed") : errors);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.debug("compiled {} sources of {} into {}", sources.size(), project, classes);
    return instantiate(descriptor.modelClass(), classes, project);
  }

  private static Compiled instantiate(String name, Path classes, Path project) {
    URLClassLoader loader;
    try {
      loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ModelCode.class.getClassLoader());
    } catch (MalformedURLException e) {
      throw new GuildException(classes + ": bad class folder", e);
    }
    try {
      Class<?> c;
      try {
        c = Class.forName(name, true, loader);
      } catch (ClassNotFoundException e) {
        throw new GuildException(
            project.resolve(ModelDescriptor.FILE) + ": model class '" + name
                + "' is not among the project's sources");
      }
      if (!ModelCode.class.isAssignableFrom(c)) {
        throw new GuildException(
            name + " (" + project + ") does not implement " + ModelCode.class.getName());
      }
      try {
        return new Compiled((ModelCode) c.getConstructor().newInstance(), loader);
      } catch (ReflectiveOperationException e) {
        throw new GuildException(
            name + " (" + project + ") needs a public no-argument constructor: " + e, e);
      }
    } catch (RuntimeException | LinkageError e) {
      closeQuietly(loader);
      throw e;
    }
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException e) {
      log.debug("cannot close the class loader of {}", loader, e);
    }
  }

  private static List<Path> sources(Path project) {
    try (Stream<Path> walk = Files.walk(project)) {
      return walk.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> {
            Path rel = project.relativize(p);
            for (Path part : rel) {
              if (part.toString().startsWith(".") || part.toString().equals("runs")) {
                return false;
              }
            }
            return true;
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new GuildException(project + ": cannot list the sources: " + e.getMessage(), e);
    }
  }

  private static String relative(Path project, Path file) {
    try {
      return project.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString();
    } catch (IllegalArgumentException e) {
      return file.toString();
    }
  }

  /**
   * The class path the sources compile against: the JVM's plus the jars or folders holding this
   * library, TensorFlow and its framework (which may sit in a loader of their own).
   */
  static String classPath() {
    Set<String> parts = new LinkedHashSet<>();
    for (String p : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!p.isBlank()) {
        parts.add(p);
      }
    }
    for (Class<?> c : List.of(ModelCode.class, GuildException.class, org.tensorflow.op.Ops.class,
        org.tensorflow.framework.optimizers.Optimizer.class, org.tensorflow.ndarray.Shape.class,
        org.tensorflow.types.TFloat32.class)) {
      try {
        var src = c.getProtectionDomain().getCodeSource();
        if (src != null) {
          parts.add(Path.of(src.getLocation().toURI()).toString());
        }
      } catch (Exception e) {
        log.debug("no code source for {}", c, e);
      }
    }
    return String.join(File.pathSeparator, parts);
  }
}
