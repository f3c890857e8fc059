package org.guildpkg.tf.testing;

import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.FeatureType;

/**
 * Assertions on a {@link Dataset}: its splits, features and classes. Start from
 * {@link GuildAssertions#assertThat(Dataset)}.
 */
public final class DatasetAssert extends AbstractAssert<DatasetAssert, Dataset> {

  DatasetAssert(Dataset actual) {
    super(actual, DatasetAssert.class);
  }

  /**
   * Checks that the dataset has the split {@code name} and continues with assertions on it.
   *
   * @return assertions on the split ({@code withExamples}, {@code withExamplesPerClass}, ...)
   */
  public SplitAssert hasSplit(String name) {
    isNotNull();
    if (!actual.splits().containsKey(name)) {
      failWithMessage(
          "%nExpecting %s%nto have split:%n  \"%s\"%nbut its splits are:%n  %s", actual, name, actual.splits().keySet());
    }
    return new SplitAssert(actual.split(name));
  }

  /** Checks that the dataset has a feature {@code name} of this dtype and per-example shape. */
  public DatasetAssert hasFeature(String name, FeatureType dtype, long... shape) {
    isNotNull();
    FeatureSpec f = actual.features().get(name);
    String expected = dtype + " " + Arrays.toString(shape);
    if (f == null) {
      failWithMessage(
          "%nExpecting %s%nto have feature:%n  %s (%s)%nbut its features are:%n  %s",
          actual, name, expected, describe());
    }
    if (f.dtype() != dtype || !f.shape().equals(Arrays.stream(shape).boxed().toList())) {
      failWithMessage(
          "%nExpecting feature \"%s\" of %s%nto be:%n  %s%nbut it is:%n  %s",
          name, actual, expected, f.dtype() + " " + f.shape());
    }
    return this;
  }

  /** Checks the class names, in label order. */
  public DatasetAssert hasClasses(String... names) {
    isNotNull();
    if (!actual.classes().equals(List.of(names))) {
      failWithMessage(
          "%nExpecting %s%nto have the classes:%n  %s%nbut it has:%n  %s", actual, List.of(names), actual.classes());
    }
    return this;
  }

  private String describe() {
    return actual.features().values().stream()
        .map(f -> f.name() + " (" + f.dtype() + " " + f.shape() + ")")
        .toList()
        .toString();
  }
}
