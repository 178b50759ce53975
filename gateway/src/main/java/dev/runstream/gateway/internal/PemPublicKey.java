package dev.runstream.gateway.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an RSA or EC public key from PEM text ({@code -----BEGIN PUBLIC KEY-----}, X.509
 * SubjectPublicKeyInfo, as {@code openssl pkey -pubout} writes it) with the JDK's key factories.
 */
public final class PemPublicKey {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  private PemPublicKey() {}

  /**
   * The public key in {@code file}.
   *
   * @param file a PEM file
   * @return the RSA or EC key
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it holds no RSA or EC public key
   */
  public static PublicKey read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.US_ASCII));
  }

  /**
   * The public key in PEM {@code text}.
   *
   * @param text PEM text
   * @return the RSA or EC key
   * @throws IllegalArgumentException if it holds no RSA or EC public key
   */
  public static PublicKey parse(String text) {
    Matcher m = BLOCK.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "no '-----BEGIN PUBLIC KEY-----' block (X.509 SubjectPublicKeyInfo)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM block is not valid base64", e);
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the PEM block is neither an RSA nor an EC public key");
  }
}
