package org.guildpkg.transport;

/**
 * A small mirror file (an index, a signature) that is longer than its reader allows: refused while
 * it streams in, before it can fill the heap. Not transient: trying again does not help.
 */
public class TooLargeException extends TransportException {
  private static final long serialVersionUID = 1L;
  private final long limit;

  /** A file at {@code where} longer than {@code limit} bytes. */
  public TooLargeException(Object where, long limit) {
    super(where + " is larger than the " + limit + " bytes allowed", false, null);
    this.limit = limit;
  }

  /** The number of bytes that was allowed. */
  public long limit() {
    return limit;
  }
}
