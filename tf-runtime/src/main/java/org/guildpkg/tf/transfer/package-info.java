/**
 * Transfer learning: retrains an installed image classifier (one with a {@code features}
 * signature, such as {@code mobilenet-v2+ilsvrc2012}) on an image dataset's classes. Each image's
 * features are computed once and cached ({@link org.guildpkg.tf.transfer.FeatureCache}), a new
 * head is trained on them ({@link org.guildpkg.tf.transfer.FeatureHead}), and the run exports the
 * parent's graph with the head as one image model ({@link org.guildpkg.tf.transfer.TransferLearning}).
 */
package org.guildpkg.tf.transfer;
