package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.config.ProductionSettings;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.tls.PemKeyStore;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS and WSS with a self-signed certificate made here with the JDK's keytool and written as PEM
 * files, as {@code --tls-keyfile} / {@code --tls-certfile} take them.
 */
class TlsTest {
    @TempDir Path dir;

    @Test
    void theServerSpeaksHttpsAndWssWithPemFiles() throws Exception {
        KeyStore generated = selfSigned();
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Files.writeString(key, pem("PRIVATE KEY", generated.getKey("s", "changeit".toCharArray()).getEncoded()));
        Certificate certificate = generated.getCertificate("s");
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();

        var config = TestServer.config(dir).withProduction(ProductionSettings.defaults().withTls(key, cert));
        try (TestServer server = TestServer.start(config, c -> new ScriptedEngine())) {
            String https = "https://127.0.0.1:" + server.port();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(https + "/prompt")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Json.parse(r.body()).get("exec_info").get("queue_remaining").asInt()).isZero();
            assertThat(r.sslSession()).isPresent();
            assertThat(r.sslSession().get().getPeerCertificates()[0]).isEqualTo(certificate);

            // The WebSocket over TLS greets as usual.
            CompletableFuture<String> greeting = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/ws?clientId=t"),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            greeting.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            JsonNode status = Json.parse(greeting.get(10, TimeUnit.SECONDS));
            assertThat(status.get("type").asText()).isEqualTo("status");
            assertThat(status.get("data").get("sid").asText()).isEqualTo("t");
            ws.abort();

            // Plain HTTP on the TLS port gets no answer of ours; a client that does not trust the certificate fails.
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(https + "/prompt")).GET().build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            HttpResponse<String> cleartext = sendOrNull(plain, "http://127.0.0.1:" + server.port() + "/prompt");
            assertThat(cleartext == null || cleartext.statusCode() == 400).isTrue();
        }
    }

    private static HttpResponse<String> sendOrNull(HttpClient client, String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void keysInOtherFormatsAreRefusedWithTheCommandThatConvertsThem() throws Exception {
        Path key = dir.resolve("rsa.pem");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemKeyStore.load(key, key, new char[0]))
                .hasMessageContaining("'RSA PRIVATE KEY'").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        Files.writeString(key, "not a pem file");
        assertThatThrownBy(() -> PemKeyStore.load(key, key, new char[0])).hasMessageContaining("holds no PEM private key");
    }

    private KeyStore selfSigned() throws Exception {
        Path store = dir.resolve("generated.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "s", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(Files.readAllBytes(store)), "changeit".toCharArray());
        return ks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
