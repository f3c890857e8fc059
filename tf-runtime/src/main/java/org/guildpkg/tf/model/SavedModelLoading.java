package org.guildpkg.tf.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Loads a SavedModel folder through TensorFlow Java, tolerating SignatureDefs that TensorFlow Java
 * refuses but TensorFlow Serving accepts.
 *
 * <p>TensorFlow Java refuses a whole model when one SignatureDef disagrees with the graph: a dtype
 * other than the graph's (half_plus_three's regress signature declares a float input where the
 * graph has a string), or no shape at all, which TensorFlow Java reads as a scalar (half_plus_three's
 * serving_default). TensorFlow Serving loads such models, treats a missing shape as unknown, and
 * fails only calls to a broken signature. We do the same: when the plain load fails, we load a copy
 * of {@code saved_model.pb} in which missing shapes are the graph's and broken signatures are left
 * out (beside links to the model's other files), and keep the original SignatureDefs of the
 * signatures that remain for callers to see.
 */
final class SavedModelLoading {
  private static final Logger LOG = LoggerFactory.getLogger(SavedModelLoading.class);

  private SavedModelLoading() {}

  /** A loaded model and the SignatureDefs it offers, as the SavedModel's file states them. */
  record Loaded(SavedModelBundle bundle, Map<String, SignatureDef> signatureDefs) {}

  static Loaded load(Path dir) {
    SavedModelBundle bundle;
    try {
      bundle = bundle(dir);
    } catch (IllegalArgumentException e) {
      LOG.debug("TensorFlow Java refused a signature of {}: {}", dir, e.getMessage());
      return loadRepaired(dir, e);
    } catch (TensorFlowException | IllegalStateException e) {
      throw cannotLoad(dir, e);
    }
    return new Loaded(bundle, bundle.metaGraphDef().getSignatureDefMap());
  }

  /** The system property that sets TensorFlow's inter-op thread pool of the models loaded. */
  static final String INTER_OP_THREADS = "guild.tf.interOpThreads";

  /**
   * Loads a SavedModel's serve graph; with the {@value #INTER_OP_THREADS} system property set, its
   * session gets that {@code inter_op_parallelism_threads} ({@code -1}: each call runs its ops in
   * the calling thread, no hand-off to TensorFlow's pool; see docs/serving.md, "Speed").
   */
  private static SavedModelBundle bundle(Path dir) {
    String inter = System.getProperty(INTER_OP_THREADS);
    if (inter == null || inter.isBlank()) {
      return SavedModelBundle.load(dir.toString(), SavedModel.SERVE_TAG);
    }
    int n;
    try {
      n = Integer.parseInt(inter.trim());
    } catch (NumberFormatException e) {
      throw new GuildException("-D" + INTER_OP_THREADS + "=" + inter + " is not a whole number"
          + " (-1 runs ops in the calling thread, 0 lets TensorFlow choose)");
    }
    ConfigProto config = ConfigProto.newBuilder().setInterOpParallelismThreads(n).build();
    return SavedModelBundle.loader(dir.toString()).withTags(SavedModel.SERVE_TAG)
        .withConfigProto(config).load();
  }

  private static Loaded loadRepaired(Path dir, RuntimeException first) {
    org.tensorflow.proto.SavedModel proto;
    try {
      proto = org.tensorflow.proto.SavedModel.parseFrom(
          Files.readAllBytes(dir.resolve("saved_model.pb")));
    } catch (IOException e) {
      throw cannotLoad(dir, e);
    }
    org.tensorflow.proto.SavedModel.Builder copy = proto.toBuilder();
    Map<String, SignatureDef> kept = new LinkedHashMap<>();
    List<String> dropped = new ArrayList<>();
    boolean changed = false;
    for (MetaGraphDef.Builder meta : copy.getMetaGraphsBuilderList()) {
      if (!meta.getMetaInfoDef().getTagsList().contains(SavedModel.SERVE_TAG)) {
        continue;
      }
      try (Graph g = new Graph()) {
        g.importGraphDef(meta.getGraphDef());
        // A copy of the map, since the builder's entries change as we put repaired ones.
        for (var e : Map.copyOf(meta.getSignatureDefMap()).entrySet()) {
          String key = e.getKey();
          SignatureDef original = e.getValue();
          SignatureDef.Builder repaired = original.toBuilder();
          String bad = repair(g, original.getInputsMap(), repaired::putInputs);
          if (bad == null) {
            bad = repair(g, original.getOutputsMap(), repaired::putOutputs);
          }
          if (bad != null) {
            meta.removeSignatureDef(key);
            dropped.add(key + " (" + bad + ")");
            changed = true;
          } else {
            SignatureDef r = repaired.build();
            changed |= !r.equals(original);
            meta.putSignatureDef(key, r);
            kept.put(key, original);
          }
        }
      } catch (IllegalArgumentException | TensorFlowException e) {
        throw cannotLoad(dir, e);
      }
      break;
    }
    if (!changed) {
      throw cannotLoad(dir, first);
    }
    if (!dropped.isEmpty()) {
      LOG.warn("SavedModel {}: leaving out signatures that do not match its graph: {}", dir, dropped);
    }
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("guild-savedmodel-");
      Files.write(tmp.resolve("saved_model.pb"), copy.build().toByteArray());
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          String name = p.getFileName().toString();
          // fingerprint.pb hashes the original saved_model.pb; the copy has none.
          if (!name.equals("saved_model.pb") && !name.equals("fingerprint.pb")) {
            Files.createSymbolicLink(tmp.resolve(name), p);
          }
        }
      }
      // Variables are restored and assets read while loading, so the copy is not needed after.
      return new Loaded(bundle(tmp), kept);
    } catch (IOException e) {
      throw cannotLoad(dir, e);
    } catch (IllegalArgumentException | TensorFlowException | IllegalStateException e) {
      throw cannotLoad(dir, e);
    } finally {
      if (tmp != null) {
        Folders.deleteQuietly(tmp);
      }
    }
  }

  /**
   * Puts into {@code out} each tensor of {@code infos} with a shape TensorFlow Java accepts (the
   * graph's, where TensorFlow Java's reading of the declared one disagrees with the graph), or
   * returns why the signature cannot be called at all.
   */
  private static String repair(
      Graph g, Map<String, TensorInfo> infos, java.util.function.BiConsumer<String, TensorInfo> out) {
    for (var e : infos.entrySet()) {
      TensorInfo info = e.getValue();
      Output<?> o = g.output(info.getName());
      if (o == null) {
        return "no tensor " + info.getName() + " in the graph";
      }
      if (o.dataType() != info.getDtype()) {
        return e.getKey() + " is " + info.getDtype() + " but the graph's " + info.getName()
            + " is " + o.dataType();
      }
      // As TensorFlow Java's Signature reads it: dims only, so a missing shape is a scalar.
      Shape declared = Shape.of(
          info.getTensorShape().getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray());
      if (!o.shape().isCompatibleWith(declared)) {
        if (info.hasTensorShape() && !info.getTensorShape().getUnknownRank()) {
          return e.getKey() + " has shape " + declared + " but the graph's " + info.getName()
              + " has " + o.shape();
        }
        out.accept(e.getKey(), info.toBuilder().setTensorShape(proto(o.shape())).build());
      }
    }
    return null;
  }

  private static TensorShapeProto proto(Shape s) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    if (s.isUnknown()) {
      return b.setUnknownRank(true).build();
    }
    for (long d : s.asArray()) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return b.build();
  }

  private static GuildException cannotLoad(Path dir, Exception e) {
    return new GuildException(
        "cannot load the SavedModel in " + dir + " (tag '" + SavedModel.SERVE_TAG + "'): "
            + SavedModel.firstLine(e.getMessage()), e);
  }
}
