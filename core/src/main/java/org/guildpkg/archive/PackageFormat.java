package org.guildpkg.archive;

/**
 * The layout of a package archive {@code NAME-VERSION.pkg.tar.zst}: a tar (zstd, or gzip for
 * {@code .pkg.tar.gz}) whose first entries are the manifest and the file list, followed by the
 * package's files in sorted order.
 *
 * <pre>
 * .MANIFEST.json    the {@link Manifest}, JSON
 * .FILES.json       {"files": [{@link FileEntry}...]}, sorted by path
 * data/...          the files of $pkgdir
 * </pre>
 *
 * <p>Entries have mtime 0 (or {@code SOURCE_DATE_EPOCH}), uid/gid 0, owner {@code root}, and modes
 * 0644 or 0755 (0755 for directories), so that equal inputs give byte-identical archives.
 */
public final class PackageFormat {
  /** Entry name of the manifest. */
  public static final String MANIFEST = ".MANIFEST.json";
  /** Entry name of the file list. */
  public static final String FILES = ".FILES.json";
  /** Prefix of every package file's entry name. */
  public static final String DATA_PREFIX = "data/";
  /** File name suffix of a zstd archive. */
  public static final String ZST_SUFFIX = ".pkg.tar.zst";
  /** File name suffix of a gzip archive (readable, not written). */
  public static final String GZ_SUFFIX = ".pkg.tar.gz";

  private PackageFormat() {}

  /** The archive file name for a package: {@code NAME-VERSION.pkg.tar.zst}. */
  public static String fileName(Manifest manifest) {
    return manifest.id() + ZST_SUFFIX;
  }
}
