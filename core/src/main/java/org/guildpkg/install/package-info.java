/**
 * Installing from mirrors: {@link org.guildpkg.install.PackageManager} resolves specs against the
 * configured mirrors' indexes ({@code resolve}), downloads and verifies archives ({@code
 * transport}, {@code mirror}) and commits them to the local store ({@code store}); upgrade
 * (with its dry-run plan and followed mirror labels), reinstall and search go through it too.
 *
 * <p>May depend on {@code spec}, {@code resolve}, {@code mirror}, {@code transport} and {@code
 * store}; never on {@code cli}.
 */
package org.guildpkg.install;
