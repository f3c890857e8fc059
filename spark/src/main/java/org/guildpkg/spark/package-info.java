/**
 * Guild packages on Apache Spark: a dataset package's split as a {@code Dataset<Row>}
 * ({@link org.guildpkg.spark.DatasetFrames}), a DataFrame written back as a dataset package
 * folder, batch prediction ({@link org.guildpkg.spark.BatchPrediction}) and distributed evaluation
 * ({@link org.guildpkg.spark.DistributedEvaluation}). Executors load packages by spec from their
 * own Guild home ({@link org.guildpkg.spark.PackageLocation}), installing them from its mirrors
 * when missing, so no model file is shipped by hand.
 */
package org.guildpkg.spark;
