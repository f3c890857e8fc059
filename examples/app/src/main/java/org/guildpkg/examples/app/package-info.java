/**
 * An example application that uses Guild as a Maven dependency would: loads an installed model
 * package and calls it in-process. Depends on {@code guild-tf-runtime} only.
 */
package org.guildpkg.examples.app;
