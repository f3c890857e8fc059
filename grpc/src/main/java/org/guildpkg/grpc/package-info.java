/**
 * TensorFlow Serving's gRPC API for Guild's model server: {@link org.guildpkg.grpc.GrpcProtocol}
 * serves {@code tensorflow.serving.PredictionService} and {@code ModelService} through tf-runtime's
 * prediction layer ({@code org.guildpkg.tf.serve.Predictor}), and {@link
 * org.guildpkg.grpc.ModelClient} calls them. May depend on guild-tf-runtime, grpc-java and
 * protobuf; nothing in core or tf-runtime depends on it.
 */
package org.guildpkg.grpc;
