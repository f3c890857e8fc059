package org.guildpkg.tf.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.spec.PackageName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.MetaGraphDef;

/**
 * Writes model packages in the layout TensorFlow Serving loads with {@code --model_base_path}:
 * {@code BASE/NAME/VERSION/} holding {@code saved_model.pb}, {@code variables/} and, when present,
 * {@code assets/} and {@code assets.extra/}.
 *
 * <p>TensorFlow Serving wants integer versions and serves the highest, so a deployment gets the next
 * integer after the highest version already in {@code BASE/NAME} (1 for the first), unless the
 * caller names one. The package's own version (such as {@code 1.2.3}) does not become the folder
 * name: dotted versions have no faithful integer form, and a fleet wants every new deployment,
 * including a rollback to an older package version, to be the one it serves. A version that exists
 * is never overwritten. Each version is written to a hidden temporary folder beside it (which
 * TensorFlow Serving ignores, its name being no number) and renamed into place, so a server polling
 * the folder never sees half a model.
 *
 * <p>A deployment leaves out the model interface's {@code train} and {@code evaluate} and every
 * signature whose call changes the model's variables, unless they are named with {@link
 * #allowSignatures}: clients of the fleet cannot then change the model.
 *
 * <pre>{@code
 * Deployer.Deployment d = Deployer.to(Path.of("/srv/models")).deploy(pkg);
 * // d.path() is /srv/models/half-plus-two/1
 * }</pre>
 */
public final class Deployer {
  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);
  /** The parts of a SavedModel folder that TensorFlow Serving reads. */
  private static final List<String> PARTS =
      List.of("saved_model.pb", "saved_model.pbtxt", "fingerprint.pb", "variables", "assets", "assets.extra");

  /** Signatures of the model interface that serving fleets do not get unless asked. */
  static final Set<String> TRAINING_SIGNATURES = Set.of("train", "evaluate");

  private final Path base;
  private final Set<String> allowed;

  private Deployer(Path base, Set<String> allowed) {
    this.base = base;
    this.allowed = Set.copyOf(allowed);
  }

  /** A deployer that writes under {@code baseDir} (created when missing). */
  public static Deployer to(Path baseDir) {
    return new Deployer(baseDir.toAbsolutePath().normalize(), Set.of());
  }

  /**
   * A deployer like this one that also keeps the signatures {@code keys} in what it writes. By
   * default a deployment leaves out {@code train}, {@code evaluate} and every signature whose call
   * changes the model's variables ({@link SavedModel#changesState}), so that the serving fleet
   * cannot be retrained by its clients.
   */
  public Deployer allowSignatures(Set<String> keys) {
    Set<String> all = new TreeSet<>(allowed);
    all.addAll(keys);
    return new Deployer(base, all);
  }

  /**
   * One deployed version.
   *
   * @param name the model's name
   * @param version its integer version
   * @param path the version's folder
   * @param leftOut the signatures of the source model that the deployment leaves out, sorted
   */
  public record Deployment(String name, long version, Path path, Set<String> leftOut) {
    /** Copies the set. */
    public Deployment {
      leftOut = Collections.unmodifiableSet(new TreeSet<>(leftOut));
    }
  }

  /** Deploys an installed model package under its name, as the next version. */
  public Deployment deploy(GuildPackage pkg) {
    return deploy(pkg.path(), pkg.name().value(), OptionalLong.empty(), pkg.toString());
  }

  /** Deploys an installed model package under its name, as {@code version}. */
  public Deployment deploy(GuildPackage pkg, long version) {
    return deploy(pkg.path(), pkg.name().value(), OptionalLong.of(version), pkg.toString());
  }

  /**
   * Deploys the SavedModel in {@code savedModelDir} as model {@code name}, as {@code version} or,
   * when empty, the next free one.
   *
   * @throws GuildException when the folder holds no loadable SavedModel, the model has no
   *     {@code serving_default} signature, the version exists, or writing fails (leaving nothing
   *     behind)
   */
  public Deployment deploy(Path savedModelDir, String name, OptionalLong version) {
    return deploy(savedModelDir, name, version, savedModelDir.toString());
  }

  /** The versions deployed for {@code name}, lowest first. */
  public List<Long> versions(String name) {
    Path dir = base.resolve(name);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory)
          .map(p -> parseVersion(p.getFileName().toString()))
          .flatMap(Optional::stream)
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new GuildException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private Deployment deploy(Path src, String name, OptionalLong version, String label) {
    if (!PackageName.isValid(name)) {
      throw new GuildException(
          "'" + name + "' is not a usable model name (lowercase letters, digits, . _ - +, starting"
              + " with a letter or digit); name it explicitly");
    }
    if (version.isPresent() && version.getAsLong() < 0) {
      throw new GuildException("version " + version.getAsLong() + " is negative: TensorFlow Serving"
          + " versions are integers from 0");
    }
    Set<String> leftOut = new TreeSet<>();
    try (SavedModel model = SavedModel.open(src, label)) {
      for (ModelSignature sig : model.signatures()) {
        if ((model.changesState(sig.key()) || TRAINING_SIGNATURES.contains(sig.key()))
            && !allowed.contains(sig.key())) {
          leftOut.add(sig.key());
        }
      }
      if (model.signature(ModelSignature.SERVING_DEFAULT).isEmpty()) {
        throw new GuildException(
            label + " has no serving_default signature, which TensorFlow Serving calls by default;"
                + " its signatures: "
                + model.signatures().stream().map(ModelSignature::key).collect(Collectors.joining(", "))
                + "; export it with a serving_default signature to deploy it");
      }
    }
    Path modelDir = base.resolve(name);
    Path tmp = null;
    try {
      Files.createDirectories(modelDir);
      tmp = Files.createTempDirectory(modelDir, ".guild-deploy-");
      trySetReadableByAll(tmp);
      for (String part : PARTS) {
        Path p = src.resolve(part);
        if (Files.exists(p)) {
          Folders.copyTree(p, tmp.resolve(part));
        }
      }
      if (!leftOut.isEmpty()) {
        withoutSignatures(tmp, leftOut);
        LOG.info("deploying {} without the signatures {} (allow them with --allow-signature)",
            label, leftOut);
      }
      // A concurrent deploy may take the next number first; then we take the one after it.
      for (int attempt = 0; ; attempt++) {
        long v = version.isPresent() ? version.getAsLong() : next(name);
        Path target = modelDir.resolve(Long.toString(v));
        Optional<Path> existing = existing(name, v);
        if (existing.isEmpty()) {
          try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            LOG.debug("deployed {} to {}", label, target);
            return new Deployment(name, v, target, leftOut);
          } catch (FileSystemException e) {
            // rename(2) says ENOTEMPTY, which Java reports as a plain FileSystemException.
            if (!Files.exists(target)) {
              throw e;
            }
            existing = Optional.of(target);
          }
        }
        if (version.isPresent() || attempt >= 100) {
          throw exists(existing.get(), name);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new GuildException("cannot deploy " + label + " to " + modelDir + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        Folders.deleteQuietly(tmp);
      }
    }
  }

  /**
   * Rewrites {@code dir/saved_model.pb} without the SignatureDefs {@code keys}; the fingerprint,
   * which hashes the original file, goes.
   */
  private static void withoutSignatures(Path dir, Set<String> keys) throws IOException {
    Path pb = dir.resolve("saved_model.pb");
    if (!Files.isRegularFile(pb)) {
      throw new IOException("no saved_model.pb to leave signatures out of (" + keys + ")");
    }
    org.tensorflow.proto.SavedModel.Builder sm =
        org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(pb)).toBuilder();
    for (MetaGraphDef.Builder meta : sm.getMetaGraphsBuilderList()) {
      keys.forEach(meta::removeSignatureDef);
    }
    Files.write(pb, sm.build().toByteArray());
    Files.deleteIfExists(dir.resolve("fingerprint.pb"));
  }

  private long next(String name) {
    List<Long> v = versions(name);
    return v.isEmpty() ? 1 : v.get(v.size() - 1) + 1;
  }

  /** The folder holding {@code version}, under any spelling ({@code 7} or {@code 0007}). */
  private Optional<Path> existing(String name, long version) throws IOException {
    try (Stream<Path> s = Files.list(base.resolve(name))) {
      return s.filter(p -> parseVersion(p.getFileName().toString()).equals(Optional.of(version)))
          .findFirst();
    }
  }

  private GuildException exists(Path target, String name) {
    return new GuildException(
        target + " exists already and guild deploy never overwrites a version; pick another"
            + " --version or leave it out for the next free one (" + next(name) + ")");
  }

  /** TensorFlow Serving's reading of a version folder's name: digits only. */
  static Optional<Long> parseVersion(String folderName) {
    if (folderName.isEmpty() || folderName.length() > 18 || !folderName.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(folderName));
  }

  /** TensorFlow Serving often runs as another user (in a container): let it read the model. */
  private static void trySetReadableByAll(Path dir) {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException | IOException e) {
      LOG.debug("could not open {} for reading by all: {}", dir, e.getMessage());
    }
  }
}
