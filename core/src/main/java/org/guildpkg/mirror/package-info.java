/**
 * Mirrors: static folders of archives with a signed {@code index.json} ({@link
 * org.guildpkg.mirror.MirrorIndex}, Ed25519 {@link org.guildpkg.mirror.SigningKeys}), the
 * configured mirror list ({@link org.guildpkg.mirror.MirrorConfig}), reading indexes through any
 * transport ({@link org.guildpkg.mirror.Mirrors}), publishing and moving labels ({@link
 * org.guildpkg.mirror.Publisher}: a label such as {@code stable} names one version per package in
 * the signed index) and searching.
 *
 * <p>May depend on {@code spec}, {@code archive} and {@code transport} (never a concrete
 * transport class: capabilities are asked of the transport); never on {@code store} or {@code cli}.
 */
package org.guildpkg.mirror;
