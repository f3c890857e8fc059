/**
 * Test support shared by every module's tests through core's test jar ({@code guild-core} type
 * {@code test-jar}, test scope), as Maven Resolver's test-util: {@link
 * org.guildpkg.testsupport.Curl}; with {@code org.guildpkg.cli.CliRun} (the CLI in-process),
 * {@code org.guildpkg.store.TestArchives} and {@code org.guildpkg.mirror.TestPackages} (test
 * packages) and {@code org.guildpkg.mirror.Nginx} (a real nginx mirror) in their own packages.
 */
package org.guildpkg.testsupport;
