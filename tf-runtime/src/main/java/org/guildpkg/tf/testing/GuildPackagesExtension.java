package org.guildpkg.tf.testing;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.spec.GuildPkg;
import org.guildpkg.spec.Requirement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit 5 extension behind {@link UsePackage}: gives a test the packages it declares, loaded
 * from a Guild home, installed first when missing, shared by the tests of a class and closed after
 * it. Registered by the annotation itself; no {@code @ExtendWith} needed.
 *
 * <p>Where a missing package comes from, in this order (each a system property, e.g. in
 * surefire's {@code systemPropertyVariables}):
 * <ol>
 *   <li>{@code guild.test.archives}: folders (separated by {@code :}) holding archives
 *       {@code NAME-VERSION.pkg.tar.zst}; the newest that matches the spec is installed;
 *   <li>{@code guild.test.packages}: folders of package folders ({@code GuildPkg} + packager),
 *       such as a repository's {@code packages/}: the one whose GuildPkg names the package is built
 *       with {@code guild package}'s builder, then installed;
 *   <li>the home's mirrors ({@code guild mirror add}), unless offline.
 * </ol>
 * The home is {@link UsePackage#home()}, else {@code guild.home}, else {@code $GUILD_HOME}, else
 * {@code ~/.guild}; offline when {@code guild.offline=true} or {@code GUILD_OFFLINE=1}. When the
 * package cannot be had, the test is skipped (aborted) with a message that says why and how to
 * install it.
 */
public final class GuildPackagesExtension
    implements BeforeAllCallback, BeforeEachCallback, ExecutionCondition, ParameterResolver {
  private static final Logger LOG = LoggerFactory.getLogger(GuildPackagesExtension.class);
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GuildPackagesExtension.class);

  /** Creates the extension; JUnit calls this. */
  public GuildPackagesExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    inject(context, null, true);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      inject(context, instance, false);
    }
  }

  /**
   * Opens the packages of a test method's {@code @UsePackage} parameters before the method runs,
   * so that one that cannot be had skips the test with the reason (an exception thrown while
   * resolving a parameter would fail it instead).
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestClass().isEmpty()) {
      return ConditionEvaluationResult.enabled("not a test class");
    }
    try {
      if (context.getTestMethod().isEmpty()) {
        // The class: its static fields; a package missing here disables (skips) the whole class.
        for (Field f : fields(context.getRequiredTestClass(), true)) {
          view(context, f.getAnnotation(UsePackage.class), f.getType());
        }
      } else {
        for (Field f : fields(context.getRequiredTestClass(), false)) {
          view(context, f.getAnnotation(UsePackage.class), f.getType());
        }
        for (java.lang.reflect.Parameter p : context.getRequiredTestMethod().getParameters()) {
          UsePackage use = p.getAnnotation(UsePackage.class);
          if (use != null) {
            view(context, use, p.getType());
          }
        }
      }
    } catch (TestAbortedException e) {
      return ConditionEvaluationResult.disabled(e.getMessage());
    }
    return ConditionEvaluationResult.enabled("every @UsePackage package is available");
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.isAnnotated(UsePackage.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    UsePackage use = parameter.findAnnotation(UsePackage.class).orElseThrow();
    try {
      return view(context, use, parameter.getParameter().getType());
    } catch (GuildException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  private void inject(ExtensionContext context, Object instance, boolean statics) {
    Class<?> type = instance == null ? context.getRequiredTestClass() : instance.getClass();
    for (Field f : fields(type, statics)) {
      if (Modifier.isFinal(f.getModifiers())) {
        throw new ExtensionConfigurationException("@UsePackage field " + f + " must not be final");
      }
      Object value = view(context, f.getAnnotation(UsePackage.class), f.getType());
      try {
        f.setAccessible(true);
        f.set(instance, value);
      } catch (IllegalAccessException e) {
        throw new ExtensionConfigurationException("cannot set @UsePackage field " + f, e);
      }
    }
  }

  private static List<Field> fields(Class<?> type, boolean statics) {
    return AnnotationSupport.findAnnotatedFields(type, UsePackage.class,
        f -> Modifier.isStatic(f.getModifiers()) == statics);
  }

  /** The view of the package, opened once per test class and closed with the class. */
  private Object view(ExtensionContext context, UsePackage use, Class<?> viewType) {
    ExtensionContext classContext = classContext(context);
    GuildHome home = home(use);
    String key = home.home() + "|" + use.value() + "|" + viewType.getName();
    Opened opened = classContext.getStore(NS).getOrComputeIfAbsent(
        key, k -> open(home, use.value(), viewType), Opened.class);
    return opened.view();
  }

  private static Opened open(GuildHome home, String spec, Class<?> viewType) {
    GuildPackage pkg = home.find(spec).orElseGet(() -> install(home, spec));
    Object view = viewType.isInstance(pkg) ? pkg : pkg.as(viewType);
    return new Opened(view);
  }

  private static GuildPackage install(GuildHome home, String spec) {
    Requirement want = Requirement.parse(spec);
    Optional<Path> archive = findArchive(want);
    if (archive.isEmpty()) {
      archive = buildFromPackageFolder(home, want);
    }
    if (archive.isPresent()) {
      LOG.info("installing {} into {} from {}", spec, home.home(), archive.get());
      return home.install(archive.get().toString()).get(0);
    }
    String how = "; install it with 'guild --home " + home.home() + " install " + spec
        + "', or point -Dguild.test.archives at a folder of archives or -Dguild.test.packages at package folders";
    if (home.offline()) {
      throw new TestAbortedException(
          "package '" + spec + "' is not installed in " + home.home() + " and Guild is offline" + how);
    }
    try {
      List<GuildPackage> installed = home.install(spec);
      return installed.get(0);
    } catch (GuildException e) {
      throw new TestAbortedException(
          "package '" + spec + "' is not installed in " + home.home() + " and could not be installed: "
              + e.getMessage() + how, e);
    }
  }

  /** The newest archive named NAME-VERSION.pkg.tar.zst in guild.test.archives that fits. */
  private static Optional<Path> findArchive(Requirement want) {
    String prefix = want.name().value() + "-";
    Path best = null;
    org.guildpkg.spec.Version bestVersion = null;
    for (Path dir : folders("guild.test.archives")) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.pkg.tar.zst")) {
        for (Path f : files) {
          String name = f.getFileName().toString();
          String v = name.substring(prefix.length(), name.length() - ".pkg.tar.zst".length());
          org.guildpkg.spec.Version version;
          try {
            version = org.guildpkg.spec.Version.parse(v);
          } catch (GuildException notAVersion) {
            continue; // another package whose name starts like this one (fashion-mnist-convnet...)
          }
          if (want.constraint().test(version) && (bestVersion == null || version.compareTo(bestVersion) > 0)) {
            best = f;
            bestVersion = version;
          }
        }
      } catch (IOException e) {
        throw new GuildException("cannot list archives in " + dir + ": " + e.getMessage(), e);
      }
    }
    return Optional.ofNullable(best);
  }

  /** Builds the package folder under guild.test.packages whose GuildPkg names the package. */
  private static Optional<Path> buildFromPackageFolder(GuildHome home, Requirement want) {
    for (Path dir : folders("guild.test.packages")) {
      try (DirectoryStream<Path> folders = Files.newDirectoryStream(dir, Files::isDirectory)) {
        for (Path folder : folders) {
          Path def = folder.resolve("GuildPkg");
          if (!Files.isRegularFile(def)) {
            continue;
          }
          GuildPkg pkg = GuildPkg.parse(def);
          if (pkg.name().equals(want.name()) && want.constraint().test(pkg.version())) {
            LOG.info("building {} from {}", pkg.name(), folder);
            Path out = Files.createDirectories(home.home().resolve("tmp/test-archives"));
            return Optional.of(PackageBuilder.forDirectory(folder).output(out).home(home.home())
                .offline(home.offline()).progress(line -> LOG.debug("{}", line)).build());
          }
        }
      } catch (IOException e) {
        throw new GuildException("cannot list package folders in " + dir + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  private static List<Path> folders(String property) {
    List<Path> out = new ArrayList<>();
    String value = System.getProperty(property, "");
    for (String part : value.split(":")) {
      if (!part.isBlank() && Files.isDirectory(Path.of(part.strip()))) {
        out.add(Path.of(part.strip()));
      }
    }
    return out;
  }

  private static GuildHome home(UsePackage use) {
    String dir = !use.home().isEmpty() ? use.home() : System.getProperty("guild.home", "");
    GuildHome home = dir.isEmpty() ? GuildPackages.atDefaultHome() : GuildPackages.at(Path.of(dir));
    return Boolean.getBoolean("guild.offline") ? home.offline(true) : home;
  }

  /** The context of the test class (the outermost one for nested classes), which owns the views. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getParent().isPresent() && c.getParent().get().getTestClass().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  /** An opened view, closed by JUnit with the test class's context. */
  private record Opened(Object view) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws Exception {
      if (view instanceof AutoCloseable c) {
        c.close();
      }
    }
  }
}
