package org.guildpkg.tf.testing;

import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on how a model classified a whole split, reached through
 * {@link SavedModelAssert#evaluatedOn}: accuracy overall and per class. A failure shows the
 * accuracy found and the classes the model does worst on.
 */
public final class EvaluationAssert extends AbstractAssert<EvaluationAssert, ClassifierEvaluation> {
  private final String model;

  EvaluationAssert(ClassifierEvaluation actual, String model) {
    super(actual, EvaluationAssert.class);
    this.model = model;
  }

  /** Checks that at least {@code minimum} (0 to 1) of the split's examples are classified right. */
  public EvaluationAssert hasAccuracyAtLeast(double minimum) {
    double a = actual.accuracy();
    if (!(a >= minimum)) {
      failWithMessage(
          "%nExpecting %s%nevaluated on split \"%s\" of %s (%d examples)%nto have an accuracy of at least:%n"
              + "  %.4f%nbut it was:%n  %.4f%nworst classes: %s",
          model, actual.split(), actual.dataset(), actual.examples(), minimum, a,
          String.join(", ", actual.worstClasses(3)));
    }
    return this;
  }

  /** Checks that at least {@code minimum} of the examples of class {@code className} are right. */
  public EvaluationAssert hasClassAccuracyAtLeast(String className, double minimum) {
    int i = actual.classes().indexOf(className);
    if (i < 0) {
      failWithMessage("%nExpecting a class named:%n  \"%s\"%nbut the classes are:%n  %s", className, actual.classes());
    }
    double a = actual.accuracy(i);
    if (!(a >= minimum)) {
      failWithMessage(
          "%nExpecting %s%nevaluated on split \"%s\" of %s%nto classify \"%s\" with an accuracy of at least:%n"
              + "  %.4f%nbut it was:%n  %.4f",
          model, actual.split(), actual.dataset(), className, minimum, a);
    }
    return this;
  }

  /** The accuracy found, for assertions of your own. */
  public double accuracy() {
    return actual.accuracy();
  }

  /** The confusion matrix found: {@code [label][predicted]} counts. */
  public long[][] confusionMatrix() {
    long[][] copy = new long[actual.confusion().length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = actual.confusion()[i].clone();
    }
    return copy;
  }
}
