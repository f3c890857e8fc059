package org.guildpkg.tf.serve;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.math.BigDecimal;

/**
 * The JSON node factory of request bodies: it keeps a parsed body's tree small, because a body of
 * {@code 1.0,} repeated to the size limit otherwise takes about 15 bytes of heap per byte of body.
 *
 * <p>The parser reads decimals exactly ({@code USE_BIG_DECIMAL_FOR_FLOATS}), so that a literal
 * too large for a double is told from the {@code Infinity} token. Each decimal that a float holds
 * without overflow becomes a {@link DoubleNode} (24 bytes instead of a {@code DecimalNode} and its
 * {@code BigDecimal}, about 60); {@link JsonTensors} converts it exactly as it did the decimal
 * ({@code BigDecimal.doubleValue}, then to float). Larger decimals stay exact, so that the
 * "without loss of precision" message quotes them as sent. Integers are untouched: int64 values
 * beyond 2^53 stay exact. Number nodes are immutable, so recent ones are shared through a small
 * lock-free cache: the repeated values a hostile body is made of cost one reference each.
 */
final class CompactNodes extends JsonNodeFactory {
  private static final long serialVersionUID = 1L;
  private static final int CACHE = 4096;

  // Races are benign: nodes are immutable (final fields), and a miss only makes a new node.
  private final transient NumericNode[] cache = new NumericNode[CACHE];

  CompactNodes() {
    super(true);
  }

  @Override
  public ValueNode numberNode(BigDecimal v) {
    double d = v.doubleValue();
    if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
      return super.numberNode(v);
    }
    long bits = Double.doubleToRawLongBits(d);
    int slot = slot(bits ^ (bits >>> 32));
    NumericNode n = cache[slot];
    if (n instanceof DoubleNode && Double.doubleToRawLongBits(n.doubleValue()) == bits) {
      return n;
    }
    DoubleNode made = DoubleNode.valueOf(d);
    cache[slot] = made;
    return made;
  }

  @Override
  public NumericNode numberNode(int v) {
    if (v >= -1 && v <= 10) {
      return IntNode.valueOf(v); // Jackson's own cache
    }
    int slot = slot(v * 0x9E3779B97F4A7C15L);
    NumericNode n = cache[slot];
    if (n instanceof IntNode && n.intValue() == v) {
      return n;
    }
    IntNode made = IntNode.valueOf(v);
    cache[slot] = made;
    return made;
  }

  private static int slot(long hash) {
    long h = hash ^ (hash >>> 29);
    return (int) (h & (CACHE - 1));
  }
}
