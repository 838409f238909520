package dev.comfy4j.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key store in memory from the PEM files ComfyUI takes ({@code --tls-keyfile}, {@code
 * --tls-certfile}): an unencrypted PKCS#8 private key (RSA, EC or EdDSA) and a certificate chain,
 * the server's first.
 */
public final class PemKeyStore {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

    private PemKeyStore() {}

    /** The store, with its entry and store protected by {@code password}. */
    public static KeyStore load(Path keyFile, Path certFile, char[] password) {
        try {
            PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
            Collection<? extends Certificate> chain;
            try (var in = Files.newInputStream(certFile)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (chain.isEmpty()) throw new IllegalArgumentException("--tls-certfile " + certFile + " holds no certificate");
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS files: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS key or certificate is not usable: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException e) {
                        // not this algorithm; try the next
                    }
                }
                throw new IllegalArgumentException("--tls-keyfile " + file + ": an unsupported key algorithm");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new IllegalArgumentException("--tls-keyfile " + file + " holds a '" + type + "'; give an unencrypted "
                        + "PKCS#8 key ('BEGIN PRIVATE KEY'), e.g. from: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
            }
        }
        throw new IllegalArgumentException("--tls-keyfile " + file + " holds no PEM private key");
    }
}
