package org.guildpkg.resolve;

import java.util.List;
import org.guildpkg.spec.PackageName;

/** What the resolver may choose from: every known version of a package, installed or offered. */
public interface CandidateSource {
  /** Every candidate version of {@code name}, in any order; empty when none is known. */
  List<Candidate> candidates(PackageName name);

  /** Where candidates were looked for, for error messages ("the mirrors a, b and the store"). */
  String whereLooked();
}
