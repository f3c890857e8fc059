package org.guildpkg.grpc.proto;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class PredictionServiceGrpc {

  private PredictionServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "tensorflow.serving.PredictionService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.ClassificationRequest,
      org.guildpkg.grpc.proto.ClassificationResponse> getClassifyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Classify",
      requestType = org.guildpkg.grpc.proto.ClassificationRequest.class,
      responseType = org.guildpkg.grpc.proto.ClassificationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.ClassificationRequest,
      org.guildpkg.grpc.proto.ClassificationResponse> getClassifyMethod() {
    io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.ClassificationRequest, org.guildpkg.grpc.proto.ClassificationResponse> getClassifyMethod;
    if ((getClassifyMethod = PredictionServiceGrpc.getClassifyMethod) == null) {
      synchronized (PredictionServiceGrpc.class) {
        if ((getClassifyMethod = PredictionServiceGrpc.getClassifyMethod) == null) {
          PredictionServiceGrpc.getClassifyMethod = getClassifyMethod =
              io.grpc.MethodDescriptor.<org.guildpkg.grpc.proto.ClassificationRequest, org.guildpkg.grpc.proto.ClassificationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Classify"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.ClassificationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.ClassificationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PredictionServiceMethodDescriptorSupplier("Classify"))
              .build();
        }
      }
    }
    return getClassifyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.RegressionRequest,
      org.guildpkg.grpc.proto.RegressionResponse> getRegressMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Regress",
      requestType = org.guildpkg.grpc.proto.RegressionRequest.class,
      responseType = org.guildpkg.grpc.proto.RegressionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.RegressionRequest,
      org.guildpkg.grpc.proto.RegressionResponse> getRegressMethod() {
    io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.RegressionRequest, org.guildpkg.grpc.proto.RegressionResponse> getRegressMethod;
    if ((getRegressMethod = PredictionServiceGrpc.getRegressMethod) == null) {
      synchronized (PredictionServiceGrpc.class) {
        if ((getRegressMethod = PredictionServiceGrpc.getRegressMethod) == null) {
          PredictionServiceGrpc.getRegressMethod = getRegressMethod =
              io.grpc.MethodDescriptor.<org.guildpkg.grpc.proto.RegressionRequest, org.guildpkg.grpc.proto.RegressionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Regress"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.RegressionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.RegressionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PredictionServiceMethodDescriptorSupplier("Regress"))
              .build();
        }
      }
    }
    return getRegressMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.PredictRequest,
      org.guildpkg.grpc.proto.PredictResponse> getPredictMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Predict",
      requestType = org.guildpkg.grpc.proto.PredictRequest.class,
      responseType = org.guildpkg.grpc.proto.PredictResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.PredictRequest,
      org.guildpkg.grpc.proto.PredictResponse> getPredictMethod() {
    io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.PredictRequest, org.guildpkg.grpc.proto.PredictResponse> getPredictMethod;
    if ((getPredictMethod = PredictionServiceGrpc.getPredictMethod) == null) {
      synchronized (PredictionServiceGrpc.class) {
        if ((getPredictMethod = PredictionServiceGrpc.getPredictMethod) == null) {
          PredictionServiceGrpc.getPredictMethod = getPredictMethod =
              io.grpc.MethodDescriptor.<org.guildpkg.grpc.proto.PredictRequest, org.guildpkg.grpc.proto.PredictResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Predict"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.PredictRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.PredictResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PredictionServiceMethodDescriptorSupplier("Predict"))
              .build();
        }
      }
    }
    return getPredictMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.MultiInferenceRequest,
      org.guildpkg.grpc.proto.MultiInferenceResponse> getMultiInferenceMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "MultiInference",
      requestType = org.guildpkg.grpc.proto.MultiInferenceRequest.class,
      responseType = org.guildpkg.grpc.proto.MultiInferenceResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.MultiInferenceRequest,
      org.guildpkg.grpc.proto.MultiInferenceResponse> getMultiInferenceMethod() {
    io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.MultiInferenceRequest, org.guildpkg.grpc.proto.MultiInferenceResponse> getMultiInferenceMethod;
    if ((getMultiInferenceMethod = PredictionServiceGrpc.getMultiInferenceMethod) == null) {
      synchronized (PredictionServiceGrpc.class) {
        if ((getMultiInferenceMethod = PredictionServiceGrpc.getMultiInferenceMethod) == null) {
          PredictionServiceGrpc.getMultiInferenceMethod = getMultiInferenceMethod =
              io.grpc.MethodDescriptor.<org.guildpkg.grpc.proto.MultiInferenceRequest, org.guildpkg.grpc.proto.MultiInferenceResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "MultiInference"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.MultiInferenceRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.MultiInferenceResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PredictionServiceMethodDescriptorSupplier("MultiInference"))
              .build();
        }
      }
    }
    return getMultiInferenceMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.GetModelMetadataRequest,
      org.guildpkg.grpc.proto.GetModelMetadataResponse> getGetModelMetadataMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetModelMetadata",
      requestType = org.guildpkg.grpc.proto.GetModelMetadataRequest.class,
      responseType = org.guildpkg.grpc.proto.GetModelMetadataResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.GetModelMetadataRequest,
      org.guildpkg.grpc.proto.GetModelMetadataResponse> getGetModelMetadataMethod() {
    io.grpc.MethodDescriptor<org.guildpkg.grpc.proto.GetModelMetadataRequest, org.guildpkg.grpc.proto.GetModelMetadataResponse> getGetModelMetadataMethod;
    if ((getGetModelMetadataMethod = PredictionServiceGrpc.getGetModelMetadataMethod) == null) {
      synchronized (PredictionServiceGrpc.class) {
        if ((getGetModelMetadataMethod = PredictionServiceGrpc.getGetModelMetadataMethod) == null) {
          PredictionServiceGrpc.getGetModelMetadataMethod = getGetModelMetadataMethod =
              io.grpc.MethodDescriptor.<org.guildpkg.grpc.proto.GetModelMetadataRequest, org.guildpkg.grpc.proto.GetModelMetadataResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetModelMetadata"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.GetModelMetadataRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.guildpkg.grpc.proto.GetModelMetadataResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PredictionServiceMethodDescriptorSupplier("GetModelMetadata"))
              .build();
        }
      }
    }
    return getGetModelMetadataMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static PredictionServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PredictionServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PredictionServiceStub>() {
        @java.lang.Override
        public PredictionServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PredictionServiceStub(channel, callOptions);
        }
      };
    return PredictionServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static PredictionServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PredictionServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PredictionServiceBlockingV2Stub>() {
        @java.lang.Override
        public PredictionServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PredictionServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return PredictionServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static PredictionServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PredictionServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PredictionServiceBlockingStub>() {
        @java.lang.Override
        public PredictionServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PredictionServiceBlockingStub(channel, callOptions);
        }
      };
    return PredictionServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static PredictionServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PredictionServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PredictionServiceFutureStub>() {
        @java.lang.Override
        public PredictionServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PredictionServiceFutureStub(channel, callOptions);
        }
      };
    return PredictionServiceFutureStub.newStub(factory, channel);
  }

  /**
   */
  public interface AsyncService {

    /**
     */
    default void classify(org.guildpkg.grpc.proto.ClassificationRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.ClassificationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getClassifyMethod(), responseObserver);
    }

    /**
     */
    default void regress(org.guildpkg.grpc.proto.RegressionRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.RegressionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRegressMethod(), responseObserver);
    }

    /**
     */
    default void predict(org.guildpkg.grpc.proto.PredictRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.PredictResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPredictMethod(), responseObserver);
    }

    /**
     */
    default void multiInference(org.guildpkg.grpc.proto.MultiInferenceRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.MultiInferenceResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getMultiInferenceMethod(), responseObserver);
    }

    /**
     */
    default void getModelMetadata(org.guildpkg.grpc.proto.GetModelMetadataRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.GetModelMetadataResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetModelMetadataMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service PredictionService.
   */
  public static abstract class PredictionServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return PredictionServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service PredictionService.
   */
  public static final class PredictionServiceStub
      extends io.grpc.stub.AbstractAsyncStub<PredictionServiceStub> {
    private PredictionServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PredictionServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PredictionServiceStub(channel, callOptions);
    }

    /**
     */
    public void classify(org.guildpkg.grpc.proto.ClassificationRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.ClassificationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getClassifyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void regress(org.guildpkg.grpc.proto.RegressionRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.RegressionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRegressMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void predict(org.guildpkg.grpc.proto.PredictRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.PredictResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPredictMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void multiInference(org.guildpkg.grpc.proto.MultiInferenceRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.MultiInferenceResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getMultiInferenceMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void getModelMetadata(org.guildpkg.grpc.proto.GetModelMetadataRequest request,
        io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.GetModelMetadataResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetModelMetadataMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service PredictionService.
   */
  public static final class PredictionServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<PredictionServiceBlockingV2Stub> {
    private PredictionServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PredictionServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PredictionServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     */
    public org.guildpkg.grpc.proto.ClassificationResponse classify(org.guildpkg.grpc.proto.ClassificationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getClassifyMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.RegressionResponse regress(org.guildpkg.grpc.proto.RegressionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRegressMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.PredictResponse predict(org.guildpkg.grpc.proto.PredictRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getPredictMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.MultiInferenceResponse multiInference(org.guildpkg.grpc.proto.MultiInferenceRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getMultiInferenceMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.GetModelMetadataResponse getModelMetadata(org.guildpkg.grpc.proto.GetModelMetadataRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetModelMetadataMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service PredictionService.
   */
  public static final class PredictionServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<PredictionServiceBlockingStub> {
    private PredictionServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PredictionServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PredictionServiceBlockingStub(channel, callOptions);
    }

    /**
     */
    public org.guildpkg.grpc.proto.ClassificationResponse classify(org.guildpkg.grpc.proto.ClassificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getClassifyMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.RegressionResponse regress(org.guildpkg.grpc.proto.RegressionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRegressMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.PredictResponse predict(org.guildpkg.grpc.proto.PredictRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPredictMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.MultiInferenceResponse multiInference(org.guildpkg.grpc.proto.MultiInferenceRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getMultiInferenceMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.guildpkg.grpc.proto.GetModelMetadataResponse getModelMetadata(org.guildpkg.grpc.proto.GetModelMetadataRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetModelMetadataMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service PredictionService.
   */
  public static final class PredictionServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<PredictionServiceFutureStub> {
    private PredictionServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PredictionServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PredictionServiceFutureStub(channel, callOptions);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.guildpkg.grpc.proto.ClassificationResponse> classify(
        org.guildpkg.grpc.proto.ClassificationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getClassifyMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.guildpkg.grpc.proto.RegressionResponse> regress(
        org.guildpkg.grpc.proto.RegressionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRegressMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.guildpkg.grpc.proto.PredictResponse> predict(
        org.guildpkg.grpc.proto.PredictRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPredictMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.guildpkg.grpc.proto.MultiInferenceResponse> multiInference(
        org.guildpkg.grpc.proto.MultiInferenceRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getMultiInferenceMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.guildpkg.grpc.proto.GetModelMetadataResponse> getModelMetadata(
        org.guildpkg.grpc.proto.GetModelMetadataRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetModelMetadataMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CLASSIFY = 0;
  private static final int METHODID_REGRESS = 1;
  private static final int METHODID_PREDICT = 2;
  private static final int METHODID_MULTI_INFERENCE = 3;
  private static final int METHODID_GET_MODEL_METADATA = 4;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CLASSIFY:
          serviceImpl.classify((org.guildpkg.grpc.proto.ClassificationRequest) request,
              (io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.ClassificationResponse>) responseObserver);
          break;
        case METHODID_REGRESS:
          serviceImpl.regress((org.guildpkg.grpc.proto.RegressionRequest) request,
              (io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.RegressionResponse>) responseObserver);
          break;
        case METHODID_PREDICT:
          serviceImpl.predict((org.guildpkg.grpc.proto.PredictRequest) request,
              (io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.PredictResponse>) responseObserver);
          break;
        case METHODID_MULTI_INFERENCE:
          serviceImpl.multiInference((org.guildpkg.grpc.proto.MultiInferenceRequest) request,
              (io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.MultiInferenceResponse>) responseObserver);
          break;
        case METHODID_GET_MODEL_METADATA:
          serviceImpl.getModelMetadata((org.guildpkg.grpc.proto.GetModelMetadataRequest) request,
              (io.grpc.stub.StreamObserver<org.guildpkg.grpc.proto.GetModelMetadataResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getClassifyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.guildpkg.grpc.proto.ClassificationRequest,
              org.guildpkg.grpc.proto.ClassificationResponse>(
                service, METHODID_CLASSIFY)))
        .addMethod(
          getRegressMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.guildpkg.grpc.proto.RegressionRequest,
              org.guildpkg.grpc.proto.RegressionResponse>(
                service, METHODID_REGRESS)))
        .addMethod(
          getPredictMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.guildpkg.grpc.proto.PredictRequest,
              org.guildpkg.grpc.proto.PredictResponse>(
                service, METHODID_PREDICT)))
        .addMethod(
          getMultiInferenceMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.guildpkg.grpc.proto.MultiInferenceRequest,
              org.guildpkg.grpc.proto.MultiInferenceResponse>(
                service, METHODID_MULTI_INFERENCE)))
        .addMethod(
          getGetModelMetadataMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.guildpkg.grpc.proto.GetModelMetadataRequest,
              org.guildpkg.grpc.proto.GetModelMetadataResponse>(
                service, METHODID_GET_MODEL_METADATA)))
        .build();
  }

  private static abstract class PredictionServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    PredictionServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return org.guildpkg.grpc.proto.PredictionServiceOuterClass.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("PredictionService");
    }
  }

  private static final class PredictionServiceFileDescriptorSupplier
      extends PredictionServiceBaseDescriptorSupplier {
    PredictionServiceFileDescriptorSupplier() {}
  }

  private static final class PredictionServiceMethodDescriptorSupplier
      extends PredictionServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    PredictionServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (PredictionServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new PredictionServiceFileDescriptorSupplier())
              .addMethod(getClassifyMethod())
              .addMethod(getRegressMethod())
              .addMethod(getPredictMethod())
              .addMethod(getMultiInferenceMethod())
              .addMethod(getGetModelMetadataMethod())
              .build();
        }
      }
    }
    return result;
  }
}
