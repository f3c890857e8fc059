package org.guildpkg.tf.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Which signatures of a MetaGraph change the model's state when they are called, read from the
 * graph: a signature changes state when the ops its outputs depend on (through data and control
 * inputs, and into the functions that function-call ops run, as TF2 exports do) include one that
 * writes a variable or a table ({@code Assign}, {@code AssignVariableOp}, {@code ApplyAdam},
 * {@code ResourceApplyGradientDescent}, {@code ScatterUpdate}, {@code LookupTableInsertV2}, ...).
 * A signature named {@code train} (this project's model interface) counts as changing state
 * whatever its graph says.
 */
final class SignatureEffects {
  /** The signature of this project's model interface that updates the variables. */
  static final String TRAIN = "train";

  private SignatureEffects() {}

  /** The keys of {@code signatures} whose call changes state, sorted. */
  static Set<String> stateChanging(MetaGraphDef meta, Map<String, SignatureDef> signatures) {
    Map<String, NodeDef> nodes = new HashMap<>();
    meta.getGraphDef().getNodeList().forEach(n -> nodes.put(n.getName(), n));
    Map<String, FunctionDef> functions = new HashMap<>();
    meta.getGraphDef().getLibrary().getFunctionList()
        .forEach(f -> functions.put(f.getSignature().getName(), f));
    Map<String, Boolean> functionWrites = new HashMap<>();
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, SignatureDef> e : signatures.entrySet()) {
      if (e.getKey().equals(TRAIN) || writes(e.getValue(), nodes, functions, functionWrites)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Whether an op of this type writes a variable, a resource or a table it is given. */
  static boolean isStateWrite(String op) {
    if (op.equals("ScatterNd") || op.equals("ScatterNdNonAliasingAdd")) {
      return false; // build a new tensor
    }
    return op.startsWith("Assign") // Assign, AssignAdd, AssignSub, AssignVariableOp, AssignAddVariableOp...
        || op.startsWith("Apply") || op.startsWith("ResourceApply")
        || op.startsWith("SparseApply") || op.startsWith("ResourceSparseApply")
        || op.startsWith("Scatter") || op.startsWith("ResourceScatter")
        || op.equals("CountUpTo") || op.equals("ResourceCountUpTo")
        || op.startsWith("LookupTableInsert") || op.startsWith("LookupTableImport")
        || op.startsWith("LookupTableRemove")
        || op.equals("DestroyResourceOp");
  }

  private static boolean writes(SignatureDef sig, Map<String, NodeDef> nodes,
      Map<String, FunctionDef> functions, Map<String, Boolean> functionWrites) {
    Deque<String> todo = new ArrayDeque<>();
    for (TensorInfo t : sig.getOutputsMap().values()) {
      todo.add(nodeName(t.getName()));
    }
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!seen.add(name)) {
        continue;
      }
      NodeDef n = nodes.get(name);
      if (n == null) {
        continue;
      }
      if (isStateWrite(n.getOp()) || callsWriter(n, functions, functionWrites)) {
        return true;
      }
      for (String in : n.getInputList()) {
        todo.add(nodeName(in));
      }
    }
    return false;
  }

  /** Whether a node runs a function (as its op, or through a function attribute) that writes. */
  private static boolean callsWriter(NodeDef n, Map<String, FunctionDef> functions,
      Map<String, Boolean> functionWrites) {
    if (functions.containsKey(n.getOp()) && functionWrites(n.getOp(), functions, functionWrites)) {
      return true;
    }
    for (AttrValue a : n.getAttrMap().values()) {
      if (a.hasFunc() && functionWrites(a.getFunc().getName(), functions, functionWrites)) {
        return true;
      }
      for (var f : a.getList().getFuncList()) {
        if (functionWrites(f.getName(), functions, functionWrites)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether any op of a function (or of a function it calls) writes; every op counts. */
  private static boolean functionWrites(String name, Map<String, FunctionDef> functions,
      Map<String, Boolean> memo) {
    Boolean known = memo.get(name);
    if (known != null) {
      return known;
    }
    memo.put(name, false); // recursion guard
    FunctionDef f = functions.get(name);
    boolean w = false;
    if (f != null) {
      for (NodeDef n : f.getNodeDefList()) {
        if (isStateWrite(n.getOp()) || callsWriter(n, functions, memo)) {
          w = true;
          break;
        }
      }
    }
    memo.put(name, w);
    return w;
  }

  /** {@code ^name}, {@code name:1} and {@code name} all name the node {@code name}. */
  private static String nodeName(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }
}
