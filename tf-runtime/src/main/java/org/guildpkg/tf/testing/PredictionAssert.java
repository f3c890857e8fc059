package org.guildpkg.tf.testing;

import org.assertj.core.api.Assertions;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;

/**
 * Assertions on a model's prediction for one example, reached through
 * {@link SavedModelAssert#predicts}: {@code assertThat(model).predicts(image).as("Ankle boot")}.
 *
 * <p>Not an AssertJ {@code AbstractAssert}, whose {@code as(String)} sets a description: here
 * {@link #as(String)} is the check.
 */
public final class PredictionAssert {
  private final Prediction actual;
  private final Classifier classifier;
  private final String model;

  PredictionAssert(Prediction actual, Classifier classifier, String model) {
    this.actual = actual;
    this.classifier = classifier;
    this.model = model;
  }

  /**
   * Checks that the model predicts the class named {@code className}.
   *
   * @throws AssertionError showing the class expected and the class predicted, with their
   *     probabilities when the model gives them
   */
  public PredictionAssert as(String className) {
    int expected = classifier.classes().indexOf(className);
    if (classifier.classes().isEmpty()) {
      throw failure(String.format(
          "%nExpecting %s%nto predict:%n  \"%s\"%nbut the model's package names no classes;"
              + " name them with usingClasses(...)", model, className));
    }
    if (expected < 0) {
      throw failure(String.format(
          "%nExpecting %s%nto predict:%n  \"%s\"%nbut the model has no such class; its classes are:%n  %s",
          model, className, classifier.classes()));
    }
    return asClass(expected);
  }

  /** Checks that the model predicts class index {@code expected}. */
  public PredictionAssert asClass(int expected) {
    if (actual.index() != expected) {
      throw failure(String.format(
          "%nExpecting %s%nto predict:%n  %s%nbut it predicted:%n  %s",
          model, describe(expected), describe(actual.index())));
    }
    return this;
  }

  /** Checks that the probability of the predicted class is at least {@code minimum}. */
  public PredictionAssert withProbabilityAtLeast(double minimum) {
    float p = actual.probability().orElseThrow(() -> failure(String.format(
        "%nExpecting %s to give the probability of its prediction but it has no 'probabilities' output",
        model)));
    if (!(p >= minimum)) {
      throw failure(String.format(
          "%nExpecting %s%nto predict %s with a probability of at least:%n  %.3f%nbut it was:%n  %.3f",
          model, describe(actual.index()), minimum, p));
    }
    return this;
  }

  /** The prediction, for assertions of your own. */
  public Prediction prediction() {
    return actual;
  }

  private String describe(int index) {
    String name = "\"" + classifier.label(index) + "\" (class " + index;
    return name + actual.probabilityOf(index).map(p -> String.format(", probability %.3f", p)).orElse("") + ")";
  }

  /** The error AssertJ's {@code fail} throws (an opentest4j AssertionFailedError when present). */
  private static AssertionError failure(String message) {
    try {
      Assertions.fail(message);
    } catch (AssertionError e) {
      return e;
    }
    return new AssertionError(message);
  }
}
