package org.guildpkg.mirror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.guildpkg.GuildException;

/**
 * Ed25519 keys and signatures for mirror indexes, with the JDK's own crypto
 * ({@code Signature.getInstance("Ed25519")}).
 *
 * <p>Key files are PEM: the private key as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the
 * public key as X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}), the same files
 * {@code openssl genpkey -algorithm ed25519} writes; bare base64 of the same DER bytes is read too.
 * {@code index.json.sig} holds the base64 of the 64-byte signature of {@code index.json}'s exact
 * bytes, and a newline.
 */
public final class SigningKeys {
  /** The private key's file name that {@link #generate(Path)} writes. */
  public static final String PRIVATE_FILE = "mirror.key";
  /** The public key's file name that {@link #generate(Path)} writes. */
  public static final String PUBLIC_FILE = "mirror.pub";
  private static final String ALGORITHM = "Ed25519";

  private SigningKeys() {}

  /**
   * Makes a new key pair and writes {@code DIR/mirror.key} (mode 0600) and {@code DIR/mirror.pub}.
   *
   * @throws GuildException when either file exists already (a key is never overwritten)
   */
  public static KeyPair generate(Path dir) {
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    if (Files.exists(priv) || Files.exists(pub)) {
      throw new GuildException(
          "key files exist already in " + dir + "; move them away or pick another folder");
    }
    try {
      KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".mirror", ".key");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the folder's own protection must do
      }
      Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Files.move(tmp, priv);
      Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      return pair;
    } catch (IOException | GeneralSecurityException e) {
      throw new GuildException("cannot write a key pair to " + dir + ": " + GuildException.reason(e), e);
    }
  }

  /** Reads a private key file (PKCS#8, PEM or base64). */
  public static PrivateKey readPrivate(Path file) {
    try {
      byte[] der = decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new GuildException(
          "cannot read Ed25519 private key " + file + ": " + GuildException.reason(e)
              + " (expected the mirror.key that 'guild key generate' writes)", e);
    }
  }

  /** Reads a public key file (X.509, PEM or base64). */
  public static PublicKey readPublic(Path file) {
    try {
      return parsePublic(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new GuildException("cannot read public key " + file + ": " + GuildException.reason(e), e);
    }
  }

  /** Parses a public key from PEM or base64 text; {@code where} names it in errors. */
  public static PublicKey parsePublic(String text, String where) {
    try {
      byte[] der = decode(text, where);
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new GuildException(
          where + ": not an Ed25519 public key (" + e.getMessage()
              + "); expected the mirror.pub that 'guild key generate' writes", e);
    }
  }

  /** The one-line base64 form of a public key, as kept in {@code $GUILD_HOME/config}. */
  public static String toText(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** Signs {@code data}; the result is the content of {@code index.json.sig}. */
  public static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(data);
      return (Base64.getEncoder().encodeToString(s.sign()) + "\n").getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new GuildException("cannot sign with an Ed25519 key: " + e.getMessage(), e);
    }
  }

  /** Tells whether {@code signatureFile} (the content of {@code index.json.sig}) signs {@code data}. */
  public static boolean verify(PublicKey key, byte[] data, byte[] signatureFile) {
    try {
      byte[] sig = Base64.getDecoder().decode(new String(signatureFile, StandardCharsets.US_ASCII).strip());
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] decode(String text, String where) {
    StringBuilder b64 = new StringBuilder();
    for (String line : text.split("\\R")) {
      if (!line.startsWith("-----")) {
        b64.append(line.strip());
      }
    }
    if (b64.length() == 0) {
      throw new IllegalArgumentException(where + " is empty");
    }
    return Base64.getDecoder().decode(b64.toString());
  }
}
