package org.guildpkg.tf.display;

/**
 * Something a notebook can show richly: it renders itself as a {@link MimeBundle} whose
 * {@code text/plain} entry is the fallback for consoles.
 */
public interface Displayable {
  /** Renders this as MIME data: {@code text/plain} and richer forms such as HTML or PNG. */
  MimeBundle toMimeBundle();
}
