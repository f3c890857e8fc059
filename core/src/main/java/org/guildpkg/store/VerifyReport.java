package org.guildpkg.store;

import java.util.List;
import org.guildpkg.GuildPackage;

/**
 * What {@link Store#verify} found: per installed package, the files whose content, kind or link
 * target differs from the package's file list, the listed files that are gone, and the files that
 * are there but not listed.
 *
 * @param packages one result per package checked, sorted by name and version
 */
public record VerifyReport(List<PackageResult> packages) {

  /** Copies the list. */
  public VerifyReport {
    packages = List.copyOf(packages);
  }

  /** True when every checked package matches its file list. */
  public boolean ok() {
    return packages.stream().allMatch(PackageResult::ok);
  }

  /**
   * The result for one package; paths are relative to its folder, with {@code /} separators.
   *
   * @param pkg the package checked
   * @param changed listed files whose size, sha256, kind or link target differs
   * @param missing listed files that are gone
   * @param extra files in the package folder that the file list does not name
   */
  public record PackageResult(
      GuildPackage pkg, List<String> changed, List<String> missing, List<String> extra) {

    /** Copies the lists. */
    public PackageResult {
      changed = List.copyOf(changed);
      missing = List.copyOf(missing);
      extra = List.copyOf(extra);
    }

    /** True when nothing differs. */
    public boolean ok() {
      return changed.isEmpty() && missing.isEmpty() && extra.isEmpty();
    }
  }
}
