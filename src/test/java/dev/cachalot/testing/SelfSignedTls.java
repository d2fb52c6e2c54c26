package dev.cachalot.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away self-signed certificate for 127.0.0.1 and localhost, made at test time by the JDK's
 * own keytool (no internet, nothing checked in): a server context for {@link TestOrigin} and a client
 * context that trusts exactly that certificate.
 */
public final class SelfSignedTls {

  private static final char[] PASSWORD = "changeit".toCharArray();

  private final KeyStore keyStore;
  private final Path pemFile;

  private SelfSignedTls(KeyStore keyStore, Path pemFile) {
    this.keyStore = keyStore;
    this.pemFile = pemFile;
  }

  /** Generates the key pair and certificate into {@code dir}. */
  public static SelfSignedTls generate(Path dir) throws Exception {
    Path keystore = dir.resolve("origin.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "origin",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true)
        .start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD);
    }
    Certificate cert = store.getCertificate("origin");
    Path pem = dir.resolve("origin.pem");
    Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    return new SelfSignedTls(store, pem);
  }

  /** For {@code new TestOrigin(tls.serverContext())}; offers only HTTP/1.1. */
  public SslContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, PASSWORD);
    return SslContextBuilder.forServer(kmf).protocols(List.of("TLSv1.3", "TLSv1.2")).build();
  }

  /** A JDK client context trusting this certificate only. */
  public SSLContext clientContext() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("origin", keyStore.getCertificate("origin"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** The certificate as PEM (for curl --cacert). */
  public Path pemFile() {
    return pemFile;
  }
}
