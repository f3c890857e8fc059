package org.guildpkg.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.guildpkg.grpc.proto.ClassificationRequest;
import org.guildpkg.grpc.proto.ClassificationResponse;
import org.guildpkg.grpc.proto.ExampleList;
import org.guildpkg.grpc.proto.ExampleListWithContext;
import org.guildpkg.grpc.proto.GetModelStatusResponse;
import org.guildpkg.grpc.proto.InferenceTask;
import org.guildpkg.grpc.proto.Input;
import org.guildpkg.grpc.proto.ModelSpec;
import org.guildpkg.grpc.proto.ModelVersionStatus;
import org.guildpkg.grpc.proto.MultiInferenceRequest;
import org.guildpkg.grpc.proto.MultiInferenceResponse;
import org.guildpkg.grpc.proto.PredictRequest;
import org.guildpkg.grpc.proto.PredictResponse;
import org.guildpkg.grpc.proto.PredictionServiceGrpc;
import org.guildpkg.grpc.proto.Regression;
import org.guildpkg.grpc.proto.RegressionRequest;
import org.guildpkg.grpc.proto.SignatureDefMap;
import org.guildpkg.tf.serve.ModelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TensorFlow Serving's gRPC API served by {@link ModelServer} with guild-grpc on the class path,
 * called through {@link ModelClient} over a real loopback connection: the cases the REST tests
 * cover (half_plus_two's predict, regress and classify, the counter, unknown models, versions and
 * signatures, bad inputs), large messages and deadlines.
 */
class GrpcServingTest {
  static ModelServer server;
  static ModelClient client;

  /** TensorFlow Serving's test models, kept in the repository's testdata. */
  static Path tfServing() {
    Path dir = Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize()
        .resolve("testdata/tf-serving");
    Assumptions.assumeTrue(Files.isDirectory(dir.resolve("saved_model_half_plus_two_cpu")),
        "TensorFlow Serving's test models are not in " + dir);
    return dir;
  }

  @BeforeAll
  static void start() {
    Path fx = tfServing();
    server = ModelServer.builder().grpcPort(0).monitoring(true).allowSignature("incr_counter")
        .start();
    server.add("half_plus_two", fx.resolve("saved_model_half_plus_two_cpu"));
    server.add("counter", fx.resolve("saved_model_counter/00000123"));
    client = ModelClient.connect("127.0.0.1", server.grpcPort().orElseThrow());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static TensorProto x(float... v) {
    return ModelClient.tensor(v, v.length, 1);
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void predictGivesHalfXPlusTwoAndNamesTheVersionAndSignatureThatRan() {
    PredictResponse r = client.predict(PredictRequest.newBuilder()
        .setModelSpec(ModelClient.spec("half_plus_two", "")).putInputs("x", x(1, 2, 5)).build());
    assertThat(ModelClient.floats(r.getOutputsOrThrow("y"))).containsExactly(2.5f, 3.0f, 4.5f);
    assertThat(r.getOutputsOrThrow("y").getTensorShape().getDimList())
        .extracting(TensorShapeProto.Dim::getSize).containsExactly(3L, 1L);
    assertThat(r.getModelSpec().getName()).isEqualTo("half_plus_two");
    assertThat(r.getModelSpec().getVersion().getValue()).isEqualTo(123);
    assertThat(r.getModelSpec().getSignatureName()).isEqualTo("serving_default");
    // float_val instead of tensor_content, and a version label.
    TensorProto typed = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
        .setTensorShape(TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(2))
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(1)))
        .addFloatVal(4f).addFloatVal(6f).build();
    PredictResponse byLabel = client.predict(PredictRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("half_plus_two").setVersionLabel("latest"))
        .putInputs("x", typed).build());
    assertThat(ModelClient.floats(byLabel.getOutputsOrThrow("y"))).containsExactly(4f, 5f);
  }

  static Example example(float x) {
    return Example.newBuilder().setFeatures(Features.newBuilder().putFeature("x",
        Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(x)).build())).build();
  }

  @Test
  void regressAndClassifyTakeExamplesAsTensorFlowServingDocuments() {
    RegressionRequest reg = RegressionRequest.newBuilder()
        .setModelSpec(ModelClient.spec("half_plus_two", "regress_x_to_y"))
        .setInput(Input.newBuilder().setExampleList(ExampleList.newBuilder()
            .addExamples(example(80f)).addExamples(example(2f))))
        .build();
    assertThat(client.regress(reg).getResult().getRegressionsList())
        .extracting(Regression::getValue).containsExactly(42f, 3f);
    ClassificationResponse c = client.classify(ClassificationRequest.newBuilder()
        .setModelSpec(ModelClient.spec("half_plus_two", "classify_x_to_y"))
        .setInput(Input.newBuilder().setExampleListWithContext(ExampleListWithContext.newBuilder()
            .addExamples(Example.getDefaultInstance()).setContext(example(10f))))
        .build());
    assertThat(c.getResult().getClassifications(0).getClasses(0).getScore()).isEqualTo(7f);
    // A predict signature is no classifier.
    assertThat(code(() -> client.classify(ClassificationRequest.newBuilder()
        .setModelSpec(ModelClient.spec("half_plus_two", "serving_default"))
        .setInput(Input.newBuilder().setExampleList(ExampleList.newBuilder()
            .addExamples(example(1f)))).build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  static InferenceTask task(String signature, String method) {
    return InferenceTask.newBuilder().setModelSpec(ModelClient.spec("half_plus_two", signature))
        .setMethodName(method).build();
  }

  @Test
  void multiInferenceRunsClassifyAndRegressTasksOnTheSameExamples() {
    Input input = Input.newBuilder().setExampleList(ExampleList.newBuilder()
        .addExamples(example(80f)).addExamples(example(2f))).build();
    MultiInferenceResponse r = client.multiInference(MultiInferenceRequest.newBuilder()
        .addTasks(task("regress_x_to_y", "tensorflow/serving/regress"))
        .addTasks(task("classify_x_to_y", "tensorflow/serving/classify"))
        .setInput(input).build());
    assertThat(r.getResultsList()).hasSize(2);
    assertThat(r.getResults(0).getModelSpec().getSignatureName()).isEqualTo("regress_x_to_y");
    assertThat(r.getResults(0).getModelSpec().getVersion().getValue()).isEqualTo(123);
    assertThat(r.getResults(0).getRegressionResult().getRegressionsList())
        .extracting(Regression::getValue).containsExactly(42f, 3f);
    assertThat(r.getResults(1).getModelSpec().getSignatureName()).isEqualTo("classify_x_to_y");
    assertThat(r.getResults(1).getClassificationResult().getClassificationsList())
        .extracting(c -> c.getClasses(0).getScore()).containsExactly(42f, 3f);
    // TensorFlow Serving's refusals: no task, two models, a signature twice, another method.
    Map<String, MultiInferenceRequest.Builder> bad = Map.of(
        "Expected at least one task", MultiInferenceRequest.newBuilder(),
        "same model name", MultiInferenceRequest.newBuilder()
            .addTasks(task("regress_x_to_y", "tensorflow/serving/regress"))
            .addTasks(InferenceTask.newBuilder().setModelSpec(ModelClient.spec("counter", "get_counter"))
                .setMethodName("tensorflow/serving/regress")),
        "Duplicate evaluation of signature: regress_x_to_y", MultiInferenceRequest.newBuilder()
            .addTasks(task("regress_x_to_y", "tensorflow/serving/regress"))
            .addTasks(task("regress_x_to_y", "tensorflow/serving/regress")),
        "Unsupported signature method_name: tensorflow/serving/predict",
        MultiInferenceRequest.newBuilder().addTasks(task("", "tensorflow/serving/predict")));
    bad.forEach((message, request) -> {
      StatusRuntimeException e = catchThrowableOfType(
          () -> client.multiInference(request.setInput(input).build()), StatusRuntimeException.class);
      assertThat(e.getStatus().getCode()).as(message).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
    // A task whose signature does not regress fails the call as Regress would.
    assertThat(code(() -> client.multiInference(MultiInferenceRequest.newBuilder()
        .addTasks(task("classify_x_to_y", "tensorflow/serving/regress")).setInput(input).build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void theCounterCountsThroughAnAllowedSignatureAndRefusesTheOthers() {
    float before = ModelClient.floats(client.predict("counter", "get_counter", Map.of())
        .get("output"))[0];
    float after = ModelClient.floats(client.predict("counter", "incr_counter", Map.of())
        .get("output"))[0];
    assertThat(after).isEqualTo(before + 1);
    StatusRuntimeException e = catchThrowableOfType(
        () -> client.predict("counter", "reset_counter", Map.of()), StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription()).contains("--allow-signature reset_counter");
  }

  @Test
  void unknownModelsVersionsAndSignaturesAndBadInputsGetTensorFlowServingsCodes() {
    assertThat(code(() -> client.predict("nonexistent", "", Map.of("x", x(1)))))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> client.predict(PredictRequest.newBuilder()
        .setModelSpec(ModelClient.spec("half_plus_two", 7, "")).putInputs("x", x(1)).build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> client.predict("half_plus_two", "nope", Map.of("x", x(1)))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(() -> client.predict("half_plus_two", "", Map.of("z", x(1)))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    TensorProto wrongSize = x(1, 2).toBuilder().setTensorShape(TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(5))).build();
    StatusRuntimeException e = catchThrowableOfType(
        () -> client.predict("half_plus_two", "", Map.of("x", wrongSize)), StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("tensor_content has 8 bytes");
    assertThat(code(() -> client.predict(PredictRequest.newBuilder()
        .setModelSpec(ModelClient.spec("half_plus_two", "")).putInputs("x", x(1))
        .addOutputFilter("nope").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void metadataAndStatusDescribeTheServedVersions() {
    SignatureDefMap sigs = client.signatures(ModelClient.spec("half_plus_two", ""));
    assertThat(sigs.getSignatureDefMap()).containsKeys("serving_default", "regress_x_to_y",
        "classify_x_to_y");
    assertThat(sigs.getSignatureDefOrThrow("serving_default").getInputsOrThrow("x").getName())
        .isEqualTo("x:0");
    // The counter's writing signatures are not in its metadata unless allowed.
    assertThat(client.signatures(ModelClient.spec("counter", "")).getSignatureDefMap())
        .containsOnlyKeys("get_counter", "incr_counter");
    // ... and listed apart with the reason, as the REST metadata's withheld_signatures.
    Map<String, String> withheld = client.withheldSignatures(ModelClient.spec("counter", ""));
    assertThat(withheld).containsOnlyKeys("incr_counter_by", "reset_counter");
    assertThat(withheld.get("reset_counter")).contains("changes the model's variables")
        .contains("--allow-signature reset_counter");
    assertThat(client.withheldSignatures(ModelClient.spec("half_plus_two", ""))).isEmpty();
    GetModelStatusResponse s = client.status(ModelClient.spec("half_plus_two", ""));
    assertThat(s.getModelVersionStatusList()).extracting(ModelVersionStatus::getVersion)
        .containsExactly(123L);
    assertThat(s.getModelVersionStatus(0).getState()).isEqualTo(ModelVersionStatus.State.AVAILABLE);
    assertThat(code(() -> client.status(ModelClient.spec("nonexistent", ""))))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aSixteenMebibyteRequestIsServedPastGrpcsFourMebibyteDefault() {
    int n = 4 << 20; // 4 Mi floats: a 16 MiB tensor, four times gRPC's default message limit
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i % 1000;
    }
    float[] y = ModelClient.floats(client.predict("half_plus_two", "",
        Map.of("x", ModelClient.tensor(v, n, 1))).get("y"));
    assertThat(y).hasSize(n);
    assertThat(y[999]).isEqualTo(999 * 0.5f + 2);
    // A client with gRPC's default limits cannot take that answer: the 4 MiB limit is the client's.
    ManagedChannel plain = NettyChannelBuilder
        .forAddress("127.0.0.1", server.grpcPort().orElseThrow()).usePlaintext().build();
    try {
      assertThat(code(() -> PredictionServiceGrpc.newBlockingStub(plain)
          .predict(PredictRequest.newBuilder().setModelSpec(ModelClient.spec("half_plus_two", ""))
              .putInputs("x", ModelClient.tensor(v, n, 1)).build())))
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    } finally {
      plain.shutdownNow();
    }
  }

  @Test
  void aRequestOverTheServersMessageLimitIsRefusedWithResourceExhausted() {
    try (ModelServer small = ModelServer.builder().grpcPort(0).maxBodyBytes(1 << 20).start();
        ModelClient c = ModelClient.connect("127.0.0.1", small.grpcPort().orElseThrow())) {
      small.add("half_plus_two", tfServing().resolve("saved_model_half_plus_two_cpu"));
      // The server's limit is 64 MiB (four times --max-body, at least 64 MiB): send 80 MiB.
      float[] v = new float[20 << 20];
      assertThat(code(() -> c.predict("half_plus_two", "",
          Map.of("x", ModelClient.tensor(v, v.length, 1))))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(ModelClient.floats(c.predict("half_plus_two", "", Map.of("x", x(2))).get("y")))
          .containsExactly(3f);
    }
  }

  @Test
  void aCallPastItsDeadlineGetsDeadlineExceeded() {
    ModelClient hurried = client.withDeadline(Duration.ofNanos(1));
    assertThat(code(() -> hurried.predict("half_plus_two", "", Map.of("x", x(1)))))
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // The connection goes on serving calls with time to run.
    assertThat(ModelClient.floats(client.predict("half_plus_two", "", Map.of("x", x(2))).get("y")))
        .containsExactly(3f);
  }

  @Test
  void grpcPredictionsAreCountedOnThePrometheusEndpoint() throws Exception {
    client.predict("half_plus_two", "", Map.of("x", x(1)));
    code(() -> client.predict("half_plus_two", "nope", Map.of("x", x(1))));
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.uri()
            + ModelServer.METRICS_PATH)).timeout(Duration.ofSeconds(30)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).containsPattern("(?m)^guild_serving_requests_total\\{api=\"grpc\","
        + "model=\"half_plus_two\",signature=\"serving_default\",outcome=\"ok\"\\} [1-9]")
        .containsPattern("(?m)^guild_serving_requests_total\\{api=\"grpc\","
        + "model=\"half_plus_two\",signature=\"\",outcome=\"invalid_argument\"\\} [1-9]");
  }
}
