/**
 * A Jupyter kernel for Java (on IJava's base library) that runs the quickstart notebook with
 * Guild on the class path and shows {@code tf.display}'s rich output. Depends on {@code
 * guild-tf-runtime} and the kernel library.
 */
package org.guildpkg.examples.jupyter;
