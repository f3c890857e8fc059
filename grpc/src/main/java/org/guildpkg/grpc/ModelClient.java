package org.guildpkg.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildException;
import org.guildpkg.grpc.proto.ClassificationRequest;
import org.guildpkg.grpc.proto.ClassificationResponse;
import org.guildpkg.grpc.proto.GetModelMetadataRequest;
import org.guildpkg.grpc.proto.GetModelMetadataResponse;
import org.guildpkg.grpc.proto.GetModelStatusRequest;
import org.guildpkg.grpc.proto.GetModelStatusResponse;
import org.guildpkg.grpc.proto.ModelServiceGrpc;
import org.guildpkg.grpc.proto.ModelSpec;
import org.guildpkg.grpc.proto.MultiInferenceRequest;
import org.guildpkg.grpc.proto.MultiInferenceResponse;
import org.guildpkg.grpc.proto.PredictRequest;
import org.guildpkg.grpc.proto.PredictResponse;
import org.guildpkg.grpc.proto.PredictionServiceGrpc;
import org.guildpkg.grpc.proto.RegressionRequest;
import org.guildpkg.grpc.proto.RegressionResponse;
import org.guildpkg.grpc.proto.SignatureDefMap;
import org.guildpkg.grpc.proto.WithheldSignatures;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A client of TensorFlow Serving's gRPC API, for Guild's model server and TensorFlow Serving
 * alike: plaintext gRPC to {@code host:port}, a deadline on every call, and messages up to
 * {@link #MAX_MESSAGE_BYTES} both ways (gRPC's own default, 4 MiB, is too small for image batches).
 * Errors come as {@link io.grpc.StatusRuntimeException} with TensorFlow Serving's status codes.
 *
 * <pre>{@code
 * try (ModelClient c = ModelClient.connect("127.0.0.1", 8500)) {
 *   float[] y = ModelClient.floats(c.predict("half_plus_two", "serving_default",
 *       Map.of("x", ModelClient.tensor(new float[] {1, 2, 5}, 3, 1))).get("y"));  // 2.5, 3, 4.5
 * }
 * }</pre>
 */
public final class ModelClient implements AutoCloseable {
  /** The largest message sent or received: 256 MiB. */
  public static final int MAX_MESSAGE_BYTES = 256 << 20;

  private final ManagedChannel channel;
  private final Duration deadline;

  private ModelClient(ManagedChannel channel, Duration deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  /** Connects to {@code host:port} (plaintext) with a 60 s deadline per call. */
  public static ModelClient connect(String host, int port) {
    ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext()
        .maxInboundMessageSize(MAX_MESSAGE_BYTES).build();
    return new ModelClient(ch, Duration.ofSeconds(60));
  }

  /** A client on the same connection whose calls each get {@code deadline}. */
  public ModelClient withDeadline(Duration deadline) {
    return new ModelClient(channel, deadline);
  }

  private PredictionServiceGrpc.PredictionServiceBlockingStub prediction() {
    return PredictionServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .withMaxOutboundMessageSize(MAX_MESSAGE_BYTES);
  }

  /** A ModelSpec of {@code name}'s highest version and a signature (empty: serving_default). */
  public static ModelSpec spec(String name, String signature) {
    return ModelSpec.newBuilder().setName(name).setSignatureName(signature).build();
  }

  /** A ModelSpec of {@code name} version {@code version}. */
  public static ModelSpec spec(String name, long version, String signature) {
    return ModelSpec.newBuilder().setName(name).setVersion(Int64Value.of(version))
        .setSignatureName(signature).build();
  }

  /** Calls Predict; the outputs by name. */
  public Map<String, TensorProto> predict(String model, String signature,
      Map<String, TensorProto> inputs) {
    return predict(PredictRequest.newBuilder().setModelSpec(spec(model, signature))
        .putAllInputs(inputs).build()).getOutputsMap();
  }

  /** Calls Predict with a request of one's own. */
  public PredictResponse predict(PredictRequest request) {
    return prediction().predict(request);
  }

  /** Calls Classify. */
  public ClassificationResponse classify(ClassificationRequest request) {
    return prediction().classify(request);
  }

  /** Calls Regress. */
  public RegressionResponse regress(RegressionRequest request) {
    return prediction().regress(request);
  }

  /**
   * Calls MultiInference: several classify and regress tasks of one model on the same examples.
   */
  public MultiInferenceResponse multiInference(MultiInferenceRequest request) {
    return prediction().multiInference(request);
  }

  /**
   * Calls GetModelMetadata for the signatures of a model version that Guild's server does not
   * serve because they change the model, with the reason, by key (empty from a server that
   * withholds none, and from TensorFlow Serving).
   */
  public Map<String, String> withheldSignatures(ModelSpec spec) {
    GetModelMetadataResponse r = prediction().getModelMetadata(GetModelMetadataRequest.newBuilder()
        .setModelSpec(spec).addMetadataField("signature_def").build());
    if (!r.containsMetadata("withheld_signatures")) {
      return Map.of();
    }
    try {
      return r.getMetadataOrThrow("withheld_signatures").unpack(WithheldSignatures.class)
          .getReasonsMap();
    } catch (InvalidProtocolBufferException e) {
      throw new GuildException("the server's withheld_signatures is not a WithheldSignatures: "
          + e.getMessage(), e);
    }
  }

  /** Calls GetModelMetadata for the signatures of a model version. */
  public SignatureDefMap signatures(ModelSpec spec) {
    try {
      return prediction().getModelMetadata(GetModelMetadataRequest.newBuilder()
              .setModelSpec(spec).addMetadataField("signature_def").build())
          .getMetadataOrThrow("signature_def").unpack(SignatureDefMap.class);
    } catch (InvalidProtocolBufferException e) {
      throw new GuildException("the server's metadata is not a SignatureDefMap: "
          + e.getMessage(), e);
    }
  }

  /** Calls ModelService.GetModelStatus. */
  public GetModelStatusResponse status(ModelSpec spec) {
    return ModelServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .getModelStatus(GetModelStatusRequest.newBuilder().setModelSpec(spec).build());
  }

  /** A float32 tensor of {@code values} in row-major order with shape {@code dims}. */
  public static TensorProto tensor(float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(dims))
        .setTensorContent(ByteString.copyFrom(b.array())).build();
  }

  /** A string tensor of {@code values} with shape {@code dims}. */
  public static TensorProto tensor(byte[][] values, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_STRING)
        .setTensorShape(shape(dims));
    for (byte[] v : values) {
      t.addStringVal(ByteString.copyFrom(v));
    }
    return t.build();
  }

  private static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return s.build();
  }

  /** A float32 tensor's values, from {@code tensor_content} or {@code float_val}. */
  public static float[] floats(TensorProto t) {
    if (t.getDtype() != DataType.DT_FLOAT) {
      throw new GuildException("the tensor is " + t.getDtype() + ", not DT_FLOAT");
    }
    if (!t.getTensorContent().isEmpty()) {
      float[] v = new float[t.getTensorContent().size() / 4];
      t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      return v;
    }
    float[] v = new float[t.getFloatValCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloatVal(i);
    }
    return v;
  }

  /** Closes the connection (shared by the clients {@link #withDeadline} made). */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.shutdownNow();
    }
  }
}
