package dev.comfy4j.server.tls;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.UUID;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** HTTPS (and so WSS) connectors for Jetty from PEM files; the key is checked once, at start. */
public final class TlsConnectors {
    private final KeyStore keyStore;
    private final String password = UUID.randomUUID().toString(); // protects the in-memory store only

    public TlsConnectors(Path keyFile, Path certFile) {
        this.keyStore = PemKeyStore.load(keyFile, certFile, password.toCharArray());
    }

    public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        HttpConfiguration https = new HttpConfiguration(http);
        // Clients reach a self-hosted server by IP as often as by name: no SNI host check.
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
