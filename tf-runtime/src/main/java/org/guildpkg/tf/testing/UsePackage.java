package org.guildpkg.tf.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares the Guild package a JUnit 5 test needs, on a field or a parameter whose type is the
 * view to open ({@code Dataset}, {@code SavedModel}, or {@code GuildPackage} for the package
 * itself):
 *
 * <pre>{@code
 * class FashionMnistTest {
 *   @UsePackage("fashion-mnist") static Dataset data;
 *
 *   @Test
 *   void convnetIsAccurate(@UsePackage("fashion-mnist-convnet+fashion-mnist") SavedModel model) {
 *     assertThat(model).evaluatedOn(data.split("test")).hasAccuracyAtLeast(0.85);
 *   }
 * }
 * }</pre>
 *
 * <p>{@link GuildPackagesExtension} loads the package from the Guild home, installing it first
 * when it is missing, opens the view once per test class and closes it after the class. When the
 * package is missing and cannot be installed offline, the test is skipped with the reason instead
 * of failing. Where it looks is set by the attributes or by system properties (see
 * {@link GuildPackagesExtension}).
 *
 * <p>Named {@code UsePackage} rather than {@code GuildPackage} so as not to clash with
 * {@link org.guildpkg.GuildPackage}, which such tests often import too.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(GuildPackagesExtension.class)
public @interface UsePackage {
  /** The package spec: {@code NAME}, {@code NAME@VERSION} or {@code "NAME>=1.0"}. */
  String value();

  /**
   * The Guild home to load from and install into; default: the system property
   * {@code guild.home}, else {@code $GUILD_HOME}, else {@code ~/.guild}.
   */
  String home() default "";
}
