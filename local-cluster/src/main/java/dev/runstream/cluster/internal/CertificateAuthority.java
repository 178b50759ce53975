package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate authority for the local cluster's secure mode, kept as PKCS12 files:
 * the CA's own key ({@code ca.p12}, never handed to clients), the truststore holding only the CA
 * certificate, and one keystore per identity whose certificate has {@code CN=<name>}, so that
 * Kafka's principal mapping rule turns it into {@code User:<name>}.
 *
 * <p>EC P-256 keys: generating one takes about a millisecond, where RSA 2048 takes a hundred.
 */
public final class CertificateAuthority {

  /** The keystore and truststore type. */
  public static final String STORE_TYPE = "PKCS12";

  private static final String CA_ALIAS = "runstream-ca";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration VALIDITY = Duration.ofDays(825);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final char[] password;
  private final PrivateKey caKey;
  private final X509Certificate caCertificate;

  private CertificateAuthority(
      Path directory, char[] password, PrivateKey caKey, X509Certificate caCertificate) {
    this.directory = directory;
    this.password = password;
    this.caKey = caKey;
    this.caCertificate = caCertificate;
  }

  /**
   * Loads the CA from {@code directory}, or creates it there (with its truststore) if absent.
   *
   * @param directory where the stores live
   * @param commonName the CA's common name, used only when creating it
   * @param password the password of every store in the directory
   * @return the CA
   * @throws LocalClusterException if the files cannot be read or written
   */
  public static CertificateAuthority openOrCreate(
      Path directory, String commonName, char[] password) {
    Path caStore = directory.resolve("ca.p12");
    try {
      Files.createDirectories(directory);
      if (Files.exists(caStore)) {
        KeyStore store = load(caStore, password);
        return new CertificateAuthority(
            directory,
            password,
            (PrivateKey) store.getKey(CA_ALIAS, password),
            (X509Certificate) store.getCertificate(CA_ALIAS));
      }
      KeyPair keys = newKeyPair();
      X500Name name = new X500Name("CN=" + commonName);
      X509v3CertificateBuilder builder = builder(name, name, keys);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate certificate = sign(builder, keys.getPrivate());
      KeyStore store = emptyStore();
      store.setKeyEntry(CA_ALIAS, keys.getPrivate(), password, new Certificate[] {certificate});
      save(store, caStore, password);
      KeyStore trust = emptyStore();
      trust.setCertificateEntry(CA_ALIAS, certificate);
      save(trust, directory.resolve("truststore.p12"), password);
      return new CertificateAuthority(directory, password, keys.getPrivate(), certificate);
    } catch (IOException | GeneralSecurityException e) {
      throw new LocalClusterException("Cannot create or read the local CA in " + directory, e);
    }
  }

  /**
   * The truststore that holds the CA certificate.
   *
   * @return its path
   */
  public Path truststore() {
    return directory.resolve("truststore.p12");
  }

  /**
   * The keystore of an identity, issuing its key and certificate on first use.
   *
   * @param name the certificate's common name, which becomes the Kafka principal name
   * @param loopbackServer whether the certificate also names {@code localhost} and {@code
   *     127.0.0.1} as subject alternative names, as a server certificate must for clients that
   *     verify host names
   * @return the keystore's path
   * @throws LocalClusterException if the keystore cannot be written
   */
  public Path keystore(String name, boolean loopbackServer) {
    Path path = directory.resolve(name + ".p12");
    if (Files.exists(path)) {
      return path;
    }
    try {
      KeyPair keys = newKeyPair();
      X509v3CertificateBuilder builder =
          builder(
              new X500Name(caCertificate.getSubjectX500Principal().getName()),
              new X500Name("CN=" + name),
              keys);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(caCertificate));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      if (loopbackServer) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509Certificate certificate = sign(builder, caKey);
      KeyStore store = emptyStore();
      store.setKeyEntry(
          name, keys.getPrivate(), password, new Certificate[] {certificate, caCertificate});
      save(store, path, password);
      return path;
    } catch (IOException | GeneralSecurityException e) {
      throw new LocalClusterException("Cannot issue a certificate for " + name, e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys)
      throws CertIOException, GeneralSecurityException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, RANDOM),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)),
            subject,
            keys.getPublic());
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    return builder;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("Cannot sign with " + SIGNATURE, e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(STORE_TYPE);
    store.load(null, null);
    return store;
  }

  private static KeyStore load(Path path, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(STORE_TYPE);
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, password);
    }
    return store;
  }

  private static void save(KeyStore store, Path path, char[] password)
      throws IOException, GeneralSecurityException {
    Path partial = path.resolveSibling(path.getFileName() + ".partial");
    try (OutputStream out = Files.newOutputStream(partial)) {
      store.store(out, password);
    }
    Files.move(partial, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
