package org.guildpkg.grpc;

import io.grpc.stub.StreamObserver;
import org.guildpkg.grpc.proto.GetModelStatusRequest;
import org.guildpkg.grpc.proto.GetModelStatusResponse;
import org.guildpkg.grpc.proto.ModelServiceGrpc;
import org.guildpkg.grpc.proto.ModelVersionStatus;
import org.guildpkg.grpc.proto.StatusProto;
import org.guildpkg.tf.serve.Predictor;
import org.guildpkg.tf.serve.ServedModel;
import org.tensorflow.proto.error.Code;

/** TensorFlow Serving's {@code tensorflow.serving.ModelService}: GetModelStatus. */
final class ModelServiceImpl extends ModelServiceGrpc.ModelServiceImplBase {
  private final Predictor predictor;

  ModelServiceImpl(Predictor predictor) {
    this.predictor = predictor;
  }

  @Override
  public void getModelStatus(GetModelStatusRequest request,
      StreamObserver<GetModelStatusResponse> out) {
    Calls.run(out, () -> {
      GetModelStatusResponse.Builder r = GetModelStatusResponse.newBuilder();
      for (ServedModel m : predictor.status(Calls.spec(request.getModelSpec()))) {
        r.addModelVersionStatus(ModelVersionStatus.newBuilder()
            .setVersion(m.version())
            .setState(ModelVersionStatus.State.AVAILABLE)
            .setStatus(StatusProto.newBuilder().setErrorCode(Code.OK)));
      }
      return r.build();
    });
  }
}
