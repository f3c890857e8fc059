package org.guildpkg.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;

/**
 * The paths of a package (or of an extracted source tree) as a tree, for checks that must stay
 * linear however hostile the list: bounded path length and depth, no entry below a file or link,
 * and symbolic links resolved as the operating system would, following other links on the way.
 *
 * <p>Every link is resolved once and its result remembered, so the total work is proportional to
 * the total length of the paths and link targets, whatever the number of links or their chains.
 * Components that do not exist are followed lexically (a later {@code ..} climbs back over them),
 * which is never more lenient than the operating system.
 *
 * <pre>{@code
 * PathTree tree = new PathTree("evil-1.pkg.tar.zst");
 * files.forEach(tree::add);          // throws GuildException on a bad or repeated path
 * tree.checkLinks();                 // throws GuildException on a link leaving the tree
 * }</pre>
 */
public final class PathTree {
  /** Longest relative path accepted, in UTF-8 bytes (Linux's PATH_MAX). */
  public static final int MAX_PATH_BYTES = 4096;
  /** Longest path component accepted, in UTF-8 bytes (NAME_MAX). */
  public static final int MAX_NAME_BYTES = 255;
  /** Deepest path accepted, in components. */
  public static final int MAX_DEPTH = 256;
  /** Most links followed in resolving one path, as Linux's MAXSYMLINKS. */
  public static final int MAX_LINK_HOPS = 40;

  private final String where;
  private final Node root = new Node(null, "");
  private final List<Node> links = new ArrayList<>();

  /** A tree for paths of {@code where} (an archive or folder named in error messages). */
  public PathTree(String where) {
    this.where = where;
  }

  /**
   * Says what is wrong with a relative path, or nothing when it is a plain relative path within
   * the limits: not absolute, no empty, {@code .} or {@code ..} parts, no backslash or NUL.
   */
  public static Optional<String> problem(String rel) {
    if (rel.startsWith("/")) {
      return Optional.of("is an absolute path");
    }
    if (rel.isEmpty() || rel.indexOf('\\') >= 0 || rel.indexOf('\0') >= 0) {
      return Optional.of("is not a plain relative path (empty, '.' or '..' parts, backslashes or NUL)");
    }
    if (rel.length() > MAX_PATH_BYTES || rel.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      return Optional.of("is longer than " + MAX_PATH_BYTES + " bytes");
    }
    int depth = 0;
    int start = 0;
    while (start <= rel.length()) {
      int end = rel.indexOf('/', start);
      if (end < 0) {
        end = rel.length();
      }
      String p = rel.substring(start, end);
      if (p.isEmpty() || p.equals(".") || p.equals("..")) {
        return Optional.of("is not a plain relative path (empty, '.' or '..' parts, backslashes or NUL)");
      }
      if (p.length() > MAX_NAME_BYTES && p.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        return Optional.of("has a part longer than " + MAX_NAME_BYTES + " bytes");
      }
      if (++depth > MAX_DEPTH) {
        return Optional.of("is deeper than " + MAX_DEPTH + " folders");
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  /**
   * Tells whether a link at {@code linkPath} to {@code target} stays inside the tree when read
   * as text alone (no other link followed), in one pass over the target.
   */
  public static boolean lexicallyInside(String linkPath, String target) {
    if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
      return false;
    }
    int depth = 0;
    for (int i = 0; i < linkPath.length(); i++) {
      if (linkPath.charAt(i) == '/') {
        depth++;
      }
    }
    for (String c : target.split("/", -1)) {
      if (c.equals("..")) {
        if (--depth < 0) {
          return false;
        }
      } else if (!c.isEmpty() && !c.equals(".")) {
        depth++;
      }
    }
    return true;
  }

  /**
   * Adds one entry of a file list.
   *
   * @throws GuildException when its path is bad ({@link #problem}), appears twice, or lies below
   *     a file or link, or when a link's target is absolute or too long
   */
  public void add(FileEntry f) {
    add(f.path(), f.kind(), f.linkTarget().orElse(""));
  }

  /**
   * Adds one path of the given kind ({@code target} is a link's target, else ignored).
   *
   * @throws GuildException as {@link #add(FileEntry)}
   */
  public void add(String path, FileEntry.Kind kind, String target) {
    problem(path).ifPresent(p -> {
      throw new GuildException(where + ": file list entry '" + path + "' " + p);
    });
    Node n = root;
    int start = 0;
    while (true) {
      int end = path.indexOf('/', start);
      String name = path.substring(start, end < 0 ? path.length() : end);
      if (n.kind != null && n.kind != FileEntry.Kind.DIRECTORY) {
        throw new GuildException(where + ": file list entry '" + path + "' lies below '"
            + n.path() + "', which is not a folder");
      }
      n = n.child(name, true);
      if (end < 0) {
        break;
      }
      start = end + 1;
    }
    if (n.kind != null) {
      throw new GuildException(where + ": file list names '" + path + "' twice");
    }
    if (kind != FileEntry.Kind.DIRECTORY && n.children != null && !n.children.isEmpty()) {
      String below = n.children.values().iterator().next().path();
      throw new GuildException(where + ": file list entry '" + below + "' lies below '" + path
          + "', which is not a folder");
    }
    n.kind = kind;
    if (kind == FileEntry.Kind.SYMLINK) {
      if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0
          || target.length() > MAX_PATH_BYTES) {
        throw new GuildException(where + ": symbolic link '" + path + "' points to '" + target
            + "', outside the package folder");
      }
      n.target = target;
      links.add(n);
    }
  }

  /**
   * Resolves every link, each once, following the others as the operating system would.
   *
   * @throws GuildException naming the first link that leads outside the tree, loops, or needs
   *     more than {@link #MAX_LINK_HOPS} hops
   */
  public void checkLinks() {
    for (Node l : links) {
      if (resolve(l, 0) == null) {
        throw new GuildException(where + ": symbolic link '" + l.path() + "' points to '" + l.target
            + "', outside the package folder (or through a loop or more than " + MAX_LINK_HOPS
            + " links)");
      }
    }
  }

  /** The resolved place of a link, or null when it escapes, loops or takes too many hops. */
  private Place resolve(Node link, int depth) {
    if (link.resolved != null) {
      return link.resolved;
    }
    if (depth > MAX_LINK_HOPS) {
      return null; // the chain above fails; this link itself may be fine
    }
    if (link.failed || link.resolving) {
      link.failed = true; // met again while resolving itself: a loop
      return null;
    }
    link.resolving = true;
    Node at = link.parent;
    int virtual = 0;
    int hops = 1;
    String t = link.target;
    int start = 0;
    Place result = null;
    boolean ok = true;
    while (start <= t.length()) {
      int end = t.indexOf('/', start);
      if (end < 0) {
        end = t.length();
      }
      String c = t.substring(start, end);
      start = end + 1;
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (virtual > 0) {
          virtual--;
        } else if (at.parent == null) {
          ok = false;
          break;
        } else {
          at = at.parent;
        }
        continue;
      }
      if (virtual > 0) {
        virtual++;
        continue;
      }
      Node child = at.child(c, false);
      if (child == null) {
        virtual = 1;
      } else if (child.kind == FileEntry.Kind.SYMLINK) {
        Place p = resolve(child, depth + 1);
        if (p == null || (hops += p.hops) > MAX_LINK_HOPS) {
          ok = false;
          break;
        }
        at = p.node;
        virtual = p.virtual;
      } else {
        at = child;
      }
    }
    if (ok) {
      result = new Place(at, virtual, hops);
    }
    link.resolving = false;
    link.resolved = result;
    link.failed = result == null;
    return result;
  }

  /** Where a link leads: a node, plus how many missing components below it, and its hop count. */
  private record Place(Node node, int virtual, int hops) {}

  private static final class Node {
    final Node parent;
    final String name;
    Map<String, Node> children;
    FileEntry.Kind kind;
    String target;
    Place resolved;
    boolean resolving;
    boolean failed;

    Node(Node parent, String name) {
      this.parent = parent;
      this.name = name;
    }

    Node child(String name, boolean create) {
      if (children == null) {
        if (!create) {
          return null;
        }
        children = new HashMap<>();
      }
      return create ? children.computeIfAbsent(name, k -> new Node(this, k)) : children.get(name);
    }

    String path() {
      List<String> parts = new ArrayList<>();
      for (Node n = this; n.parent != null; n = n.parent) {
        parts.add(n.name);
      }
      StringBuilder b = new StringBuilder();
      for (int i = parts.size() - 1; i >= 0; i--) {
        b.append(parts.get(i)).append(i > 0 ? "/" : "");
      }
      return b.toString();
    }
  }
}
