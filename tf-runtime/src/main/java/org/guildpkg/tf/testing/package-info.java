/**
 * Model tests for users of the library: AssertJ assertions on datasets, SavedModels, signatures
 * and predictions ({@link org.guildpkg.tf.testing.GuildAssertions}) and the JUnit 5 extension that
 * injects installed packages ({@link org.guildpkg.tf.testing.UsePackage}). Its AssertJ and JUnit
 * dependencies are optional: only programs that test models bring them.
 *
 * <p>May depend on core, {@code tf.data}, {@code tf.model} and {@code tf.classify}; never on the
 * CLI.
 */
package org.guildpkg.tf.testing;
