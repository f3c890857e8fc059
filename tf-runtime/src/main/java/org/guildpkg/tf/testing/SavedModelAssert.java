package org.guildpkg.tf.testing;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.SavedModel;

/**
 * Assertions on a {@link SavedModel}: its signatures, its predictions and its accuracy on a split.
 * Start from {@link GuildAssertions#assertThat(SavedModel)}.
 */
public final class SavedModelAssert extends AbstractAssert<SavedModelAssert, SavedModel> {
  private final List<String> classes;

  SavedModelAssert(SavedModel actual) {
    this(actual, null);
  }

  private SavedModelAssert(SavedModel actual, List<String> classes) {
    super(actual, SavedModelAssert.class);
    this.classes = classes;
  }

  /**
   * Names the classes for {@link #predicts} and {@link #evaluatedOn} (index = label value), for a
   * model whose folder has no package manifest that names them.
   */
  public SavedModelAssert usingClasses(List<String> classNames) {
    isNotNull();
    return new SavedModelAssert(actual, List.copyOf(classNames));
  }

  /**
   * Checks that the model has the signature {@code key} and continues with assertions on it.
   *
   * @return assertions on the signature ({@code withInput}, {@code withOutput}, {@code withMethod})
   */
  public SignatureAssert hasSignature(String key) {
    isNotNull();
    ModelSignature sig = actual.signature(key).orElse(null);
    if (sig == null) {
      failWithMessage(
          "%nExpecting %s%nto have signature:%n  \"%s\"%nbut its signatures are:%n  %s",
          actual, key, keys());
    }
    return new SignatureAssert(sig, actual.toString());
  }

  /** Checks that the model has every one of the signatures {@code keys} (and perhaps others). */
  public SavedModelAssert hasSignatures(String... keys) {
    isNotNull();
    List<String> missing =
        Arrays.stream(keys).filter(k -> actual.signature(k).isEmpty()).collect(Collectors.toList());
    if (!missing.isEmpty()) {
      failWithMessage(
          "%nExpecting %s%nto have signatures:%n  %s%nbut these are missing:%n  %s%nits signatures are:%n  %s",
          actual, Arrays.asList(keys), missing, keys());
    }
    return this;
  }

  /**
   * Classifies one example (the raw uint8 values of {@code serving_default}'s only input, such as
   * a Fashion-MNIST image's 784 pixels) and continues with assertions on the prediction.
   */
  public PredictionAssert predicts(byte[] example) {
    isNotNull();
    return new PredictionAssert(classifier().classify(example), classifier(), actual.toString());
  }

  /** Classifies one example given as the float values of {@code serving_default}'s only input. */
  public PredictionAssert predicts(float[] example) {
    isNotNull();
    return new PredictionAssert(classifier().classify(example), classifier(), actual.toString());
  }

  /**
   * Classifies every example of {@code split} with {@code serving_default} and continues with
   * assertions on the result (accuracy overall and per class). Class names come from the model's
   * package, else {@link #usingClasses}, else the split's dataset.
   */
  public EvaluationAssert evaluatedOn(Split split) {
    isNotNull();
    Classifier c = classifier();
    if (c.classes().isEmpty() && !split.dataset().classes().isEmpty()) {
      c = c.withClasses(split.dataset().classes());
    }
    return new EvaluationAssert(ClassifierEvaluation.run(c, split), actual.toString());
  }

  private Classifier classifier() {
    Classifier c = Classifier.of(actual);
    return classes == null ? c : c.withClasses(classes);
  }

  private List<String> keys() {
    return actual.signatures().stream().map(ModelSignature::key).toList();
  }
}
