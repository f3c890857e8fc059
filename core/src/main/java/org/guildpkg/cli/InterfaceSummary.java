package org.guildpkg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.spi.PackageInspector.SummaryLine;
import org.guildpkg.spi.SummaryText;

/**
 * The lines {@code guild info} prints for a manifest's interface data. The package types describe
 * their own data: each {@link PackageInspector} on the class path summarises the keys it writes
 * (tf-runtime's: a dataset's splits, features and classes; a model's signatures, lineage, metrics
 * and classes; a source package's flags and dataset). For a package type no inspector describes,
 * every key is printed generically.
 */
final class InterfaceSummary {
  private InterfaceSummary() {}

  static List<SummaryLine> of(PackageType type, JsonNode data) {
    return of(PackageInspector.all(), type, data);
  }

  static List<SummaryLine> of(List<PackageInspector> inspectors, PackageType type, JsonNode data) {
    List<SummaryLine> out = new ArrayList<>();
    boolean described = false;
    for (PackageInspector i : inspectors) {
      if (!i.summarizedKeys(type).isEmpty()) {
        described = true;
        out.addAll(i.summarize(type, data));
      }
    }
    if (!described) {
      for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        SummaryText.add(out, key, SummaryText.generic(data.get(key)));
      }
    }
    return out;
  }
}
