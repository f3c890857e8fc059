package org.guildpkg.grpc;

import com.google.protobuf.Any;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guildpkg.grpc.proto.Class;
import org.guildpkg.grpc.proto.ClassificationRequest;
import org.guildpkg.grpc.proto.ClassificationResponse;
import org.guildpkg.grpc.proto.ClassificationResult;
import org.guildpkg.grpc.proto.Classifications;
import org.guildpkg.grpc.proto.GetModelMetadataRequest;
import org.guildpkg.grpc.proto.GetModelMetadataResponse;
import org.guildpkg.grpc.proto.InferenceResult;
import org.guildpkg.grpc.proto.InferenceTask;
import org.guildpkg.grpc.proto.Input;
import org.guildpkg.grpc.proto.ModelSpec;
import org.guildpkg.grpc.proto.MultiInferenceRequest;
import org.guildpkg.grpc.proto.MultiInferenceResponse;
import org.guildpkg.grpc.proto.PredictRequest;
import org.guildpkg.grpc.proto.PredictResponse;
import org.guildpkg.grpc.proto.PredictionServiceGrpc;
import org.guildpkg.grpc.proto.Regression;
import org.guildpkg.grpc.proto.RegressionRequest;
import org.guildpkg.grpc.proto.RegressionResponse;
import org.guildpkg.grpc.proto.RegressionResult;
import org.guildpkg.grpc.proto.SignatureDefMap;
import org.guildpkg.grpc.proto.WithheldSignatures;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.TensorSpec;
import org.guildpkg.tf.serve.PredictionException;
import org.guildpkg.tf.serve.Predictor;
import org.guildpkg.tf.serve.ServableHandle;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** TensorFlow Serving's {@code tensorflow.serving.PredictionService} over the prediction layer. */
final class PredictionServiceImpl extends PredictionServiceGrpc.PredictionServiceImplBase {
  static final String SIGNATURE_DEF = "signature_def";
  /**
   * The metadata entry (a {@link WithheldSignatures}) that lists a model's signatures that are not
   * served, with the reason; only when there are any.
   */
  static final String WITHHELD_SIGNATURES = "withheld_signatures";
  static final String CLASSIFY = "tensorflow/serving/classify";
  static final String REGRESS = "tensorflow/serving/regress";

  private final Predictor predictor;

  PredictionServiceImpl(Predictor predictor) {
    this.predictor = predictor;
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
    Calls.prediction(predictor, request.getModelSpec(), out, () -> {
      try (ServableHandle h = predictor.open(Calls.spec(request.getModelSpec()))) {
        String key = signature(request.getModelSpec().getSignatureName());
        Map<String, TensorProto> outputs = h.predict(key, request.getInputsMap(),
            new LinkedHashSet<>(request.getOutputFilterList()));
        return PredictResponse.newBuilder()
            .setModelSpec(Calls.answered(h.model().name(), h.model().version(), key))
            .putAllOutputs(outputs).build();
      }
    });
  }

  @Override
  public void classify(ClassificationRequest request, StreamObserver<ClassificationResponse> out) {
    Calls.prediction(predictor, request.getModelSpec(), out, () -> {
      byte[][] examples = examples(request.getInput());
      try (ServableHandle h = predictor.open(Calls.spec(request.getModelSpec()))) {
        String key = signature(request.getModelSpec().getSignatureName());
        return ClassificationResponse.newBuilder()
            .setModelSpec(Calls.answered(h.model().name(), h.model().version(), key))
            .setResult(classification(h, key, examples)).build();
      }
    });
  }

  @Override
  public void regress(RegressionRequest request, StreamObserver<RegressionResponse> out) {
    Calls.prediction(predictor, request.getModelSpec(), out, () -> {
      byte[][] examples = examples(request.getInput());
      try (ServableHandle h = predictor.open(Calls.spec(request.getModelSpec()))) {
        String key = signature(request.getModelSpec().getSignatureName());
        return RegressionResponse.newBuilder()
            .setModelSpec(Calls.answered(h.model().name(), h.model().version(), key))
            .setResult(regression(h, key, examples)).build();
      }
    });
  }

  /**
   * Several classify and regress tasks on the same examples with one model version, as TensorFlow
   * Serving's MultiInference: every task names the same model (the first task's spec picks the
   * version), each signature at most once, and the method {@code tensorflow/serving/classify} or
   * {@code tensorflow/serving/regress}; the results come in the order of the tasks. The tasks run
   * one after the other (TensorFlow Serving runs them in one session call).
   */
  @Override
  public void multiInference(MultiInferenceRequest request,
      StreamObserver<MultiInferenceResponse> out) {
    ModelSpec first = request.getTasksCount() == 0 ? ModelSpec.getDefaultInstance()
        : request.getTasks(0).getModelSpec();
    Calls.prediction(predictor, first, out, () -> {
      if (request.getTasksCount() == 0) {
        throw invalid("Expected at least one task");
      }
      Set<String> signatures = new HashSet<>();
      for (InferenceTask t : request.getTasksList()) {
        if (!t.getModelSpec().getName().equals(first.getName())) {
          throw invalid("All ModelSpecs in a MultiInferenceRequest must access the same model name");
        }
        String key = signature(t.getModelSpec().getSignatureName());
        if (!signatures.add(key)) {
          throw invalid("Duplicate evaluation of signature: " + key);
        }
        if (!t.getMethodName().equals(CLASSIFY) && !t.getMethodName().equals(REGRESS)) {
          throw invalid("Unsupported signature method_name: " + t.getMethodName());
        }
      }
      byte[][] examples = examples(request.getInput());
      try (ServableHandle h = predictor.open(Calls.spec(first))) {
        MultiInferenceResponse.Builder r = MultiInferenceResponse.newBuilder();
        for (InferenceTask t : request.getTasksList()) {
          String key = signature(t.getModelSpec().getSignatureName());
          InferenceResult.Builder result = InferenceResult.newBuilder()
              .setModelSpec(Calls.answered(h.model().name(), h.model().version(), key));
          if (t.getMethodName().equals(CLASSIFY)) {
            result.setClassificationResult(classification(h, key, examples));
          } else {
            result.setRegressionResult(regression(h, key, examples));
          }
          r.addResults(result);
        }
        return r.build();
      }
    });
  }

  private static ClassificationResult classification(ServableHandle h, String key,
      byte[][] examples) {
    ClassificationResult.Builder result = ClassificationResult.newBuilder();
    for (List<ServableHandle.Classification> row : h.classify(key, examples)) {
      Classifications.Builder c = Classifications.newBuilder();
      row.forEach(x -> c.addClasses(Class.newBuilder().setLabel(x.label()).setScore(x.score())));
      result.addClassifications(c);
    }
    return result.build();
  }

  private static RegressionResult regression(ServableHandle h, String key, byte[][] examples) {
    RegressionResult.Builder result = RegressionResult.newBuilder();
    for (float v : h.regress(key, examples)) {
      result.addRegressions(Regression.newBuilder().setValue(v));
    }
    return result.build();
  }

  @Override
  public void getModelMetadata(GetModelMetadataRequest request,
      StreamObserver<GetModelMetadataResponse> out) {
    Calls.run(out, () -> {
      if (request.getMetadataFieldCount() == 0) {
        throw invalid("GetModelMetadataRequest must specify at least one metadata_field");
      }
      for (String f : request.getMetadataFieldList()) {
        if (!f.equals(SIGNATURE_DEF)) {
          throw invalid("Metadata field " + f + " is not supported");
        }
      }
      try (ServableHandle h = predictor.open(Calls.spec(request.getModelSpec()))) {
        SignatureDefMap.Builder map = SignatureDefMap.newBuilder();
        for (ModelSignature s : h.signatures()) {
          map.putSignatureDef(s.key(), signatureDef(s));
        }
        GetModelMetadataResponse.Builder r = GetModelMetadataResponse.newBuilder()
            .setModelSpec(Calls.answered(h.model().name(), h.model().version(), ""))
            .putMetadata(SIGNATURE_DEF, Any.pack(map.build()));
        Map<String, String> withheld = h.withheld();
        if (!withheld.isEmpty()) { // as the REST metadata's "withheld_signatures"
          r.putMetadata(WITHHELD_SIGNATURES,
              Any.pack(WithheldSignatures.newBuilder().putAllReasons(withheld).build()));
        }
        return r.build();
      }
    });
  }

  /** A signature as TensorFlow's SignatureDef, as the SavedModel states it. */
  static SignatureDef signatureDef(ModelSignature s) {
    SignatureDef.Builder b = SignatureDef.newBuilder().setMethodName(s.methodName());
    s.inputs().forEach((k, v) -> b.putInputs(k, tensorInfo(v)));
    s.outputs().forEach((k, v) -> b.putOutputs(k, tensorInfo(v)));
    return b.build();
  }

  private static TensorInfo tensorInfo(TensorSpec spec) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    if (spec.unknownRank()) {
      shape.setUnknownRank(true);
    } else {
      for (long d : spec.dims()) {
        shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
      }
    }
    return TensorInfo.newBuilder().setName(spec.tensorName()).setDtype(spec.dataType())
        .setTensorShape(shape).build();
  }

  private static String signature(String name) {
    return name.isEmpty() ? ModelSignature.SERVING_DEFAULT : name;
  }

  /** The input's examples, serialized, with the context's features added to each. */
  static byte[][] examples(Input input) {
    List<Example> list;
    Example context = null;
    switch (input.getKindCase()) {
      case EXAMPLE_LIST -> list = input.getExampleList().getExamplesList();
      case EXAMPLE_LIST_WITH_CONTEXT -> {
        list = input.getExampleListWithContext().getExamplesList();
        context = input.getExampleListWithContext().getContext();
      }
      default -> throw invalid("Input is empty");
    }
    if (list.isEmpty()) {
      throw invalid("Input is empty");
    }
    byte[][] out = new byte[list.size()][];
    for (int i = 0; i < out.length; i++) {
      Example e = list.get(i);
      if (context != null) {
        Example.Builder b = e.toBuilder();
        b.getFeaturesBuilder().putAllFeature(context.getFeatures().getFeatureMap());
        e = b.build();
      }
      out[i] = e.toByteArray();
    }
    return out;
  }

  private static PredictionException invalid(String message) {
    return new PredictionException(PredictionException.Kind.INVALID_ARGUMENT, message);
  }
}
