package org.guildpkg.tf.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.guildpkg.tf.data.FeatureType;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.TensorSpec;

/**
 * Assertions on one signature of a model: its inputs, outputs and method. Reached through
 * {@link SavedModelAssert#hasSignature(String)}.
 *
 * <p>Dtypes are given as a dataset {@link FeatureType} ({@code UINT8}, {@code FLOAT32}, ...) or
 * as a manifest dtype name ({@code "int32"}); shapes as dimensions, -1 for an unknown one.
 */
public final class SignatureAssert extends AbstractAssert<SignatureAssert, ModelSignature> {
  private final String model;

  SignatureAssert(ModelSignature actual, String model) {
    super(actual, SignatureAssert.class);
    this.model = model;
  }

  /** Checks that the signature has an input {@code name} of this dtype and shape. */
  public SignatureAssert withInput(String name, FeatureType dtype, long... shape) {
    return withInput(name, dtype.id(), shape);
  }

  /** Checks that the signature has an input {@code name} of this dtype (manifest name) and shape. */
  public SignatureAssert withInput(String name, String dtype, long... shape) {
    check("input", actual.inputs(), name, dtype, shape);
    return this;
  }

  /** Checks that the signature has an output {@code name} of this dtype and shape. */
  public SignatureAssert withOutput(String name, FeatureType dtype, long... shape) {
    return withOutput(name, dtype.id(), shape);
  }

  /** Checks that the signature has an output {@code name} of this dtype (manifest name) and shape. */
  public SignatureAssert withOutput(String name, String dtype, long... shape) {
    check("output", actual.outputs(), name, dtype, shape);
    return this;
  }

  /** Checks that the signature's inputs are exactly {@code names}, in any order. */
  public SignatureAssert withInputsNamed(String... names) {
    if (!actual.inputs().keySet().equals(Set.of(names))) {
      failWithMessage(
          "%nExpecting signature \"%s\" of %s%nto have the inputs:%n  %s%nbut it has:%n  %s",
          actual.key(), model, Arrays.asList(names), describe(actual.inputs()));
    }
    return this;
  }

  /** Checks TensorFlow Serving's method name, such as {@code tensorflow/serving/predict}. */
  public SignatureAssert withMethod(String methodName) {
    if (!actual.methodName().equals(methodName)) {
      failWithMessage(
          "%nExpecting signature \"%s\" of %s%nto have the method:%n  \"%s\"%nbut it has:%n  \"%s\"",
          actual.key(), model, methodName, actual.methodName());
    }
    return this;
  }

  private void check(String kind, Map<String, TensorSpec> specs, String name, String dtype, long[] shape) {
    String expected = dtype + " " + Arrays.toString(shape);
    TensorSpec spec = specs.get(name);
    if (spec == null) {
      failWithMessage(
          "%nExpecting signature \"%s\" of %s%nto have the %s:%n  %s (%s)%nbut it has no %s \"%s\"; its %ss are:%n  %s",
          actual.key(), model, kind, name, expected, kind, name, kind, describe(specs));
    }
    List<Long> want = Arrays.stream(shape).boxed().toList();
    boolean shapeOk = !spec.unknownRank() && spec.dims().equals(want);
    if (!spec.dtype().equals(dtype) || !shapeOk) {
      failWithMessage(
          "%nExpecting %s \"%s\" of signature \"%s\" of %s%nto be:%n  %s%nbut it is:%n  %s",
          kind, name, actual.key(), model, expected, spec.dtype() + " " + spec.shapeText());
    }
  }

  private static String describe(Map<String, TensorSpec> specs) {
    return specs.isEmpty()
        ? "none"
        : specs.entrySet().stream()
            .map(e -> e.getKey() + " (" + e.getValue() + ")")
            .collect(Collectors.joining(", "));
  }
}
