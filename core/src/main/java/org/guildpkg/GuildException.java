package org.guildpkg;

/**
 * The one unchecked exception family of Guild: every failure a user can cause or meet.
 *
 * <p>Its message is a single line that says what failed and where (file and line, package and
 * version, URL) and, where it helps, what to do. The CLI prints it as {@code guild: MESSAGE} and
 * exits with status 1.
 */
public class GuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a one-line message naming what failed and where. */
  public GuildException(String message) {
    super(message);
  }

  /** Creates an exception with a one-line message and the failure that caused it. */
  public GuildException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Says in a few words why an I/O or other lower-level failure happened, for the end of a
   * one-line message: file-system exceptions whose message is only the path (such as
   * {@link java.nio.file.NoSuchFileException}) get a readable reason instead of repeating it.
   */
  public static String reason(Throwable cause) {
    if (cause instanceof java.nio.file.NoSuchFileException) {
      return "no such file or folder";
    }
    if (cause instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (cause instanceof java.nio.file.FileAlreadyExistsException) {
      return "already exists";
    }
    if (cause instanceof java.nio.file.NotDirectoryException) {
      return "not a folder";
    }
    if (cause instanceof java.nio.file.DirectoryNotEmptyException) {
      return "folder not empty";
    }
    if (cause instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    String m = cause.getMessage();
    String first = m == null ? "" : m.lines().findFirst().orElse("").strip();
    return first.isEmpty() ? cause.getClass().getSimpleName() : first;
  }
}
