package dev.comfy4j.jobs.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * The connection pool of the shared store, its schema brought up to date at start by Flyway
 * ({@code db/postgresql/V*.sql}), and small JDBC helpers. Every statement commits on its own unless a
 * caller runs it {@link #inTransaction}.
 */
public final class PostgresDatabase implements AutoCloseable {
    private final String jdbcUrl;
    private final Properties credentials;
    private final HikariDataSource pool;

    /** Row reader of {@link #query}. */
    @FunctionalInterface
    public interface Rows<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private PostgresDatabase(String jdbcUrl, Properties credentials, int poolSize) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setDataSourceProperties(credentials);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("comfy4j-jobs");
        config.setConnectionTimeout(10_000);
        this.pool = new HikariDataSource(config);
    }

    /**
     * Connects to {@code postgresql://user:password@host:port/database?options} (a {@code jdbc:} URL
     * works too) and migrates the schema.
     */
    public static PostgresDatabase open(String url) {
        String jdbcUrl;
        Properties credentials = new Properties();
        if (url.startsWith("jdbc:")) {
            jdbcUrl = url;
        } else {
            URI uri = URI.create(url.replaceFirst("^postgres://", "postgresql://"));
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                credentials.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                if (colon >= 0) credentials.setProperty("password", decode(userInfo.substring(colon + 1)));
            }
            jdbcUrl = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + (uri.getRawPath() == null ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
        PostgresDatabase db = new PostgresDatabase(jdbcUrl, credentials, 8);
        try {
            Flyway.configure().dataSource(db.pool).locations("classpath:db/postgresql")
                    .table("comfy4j_schema_history").load().migrate();
        } catch (RuntimeException e) {
            db.close();
            throw new IllegalStateException("Cannot migrate the job database " + redacted(url) + ": " + e.getMessage(), e);
        }
        return db;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL without its password, for messages. */
    public static String redacted(String url) {
        return url.replaceFirst("://([^:/@]+):[^@]*@", "://$1:***@");
    }

    /** A connection outside the pool, for {@code LISTEN} (it lives as long as the listener). */
    Connection dedicatedConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, credentials);
    }

    public <T> List<T> query(String sql, Rows<T> rows, Object... args) {
        try (Connection c = pool.getConnection()) {
            return query(c, sql, rows, args);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    static <T> List<T> query(Connection c, String sql, Rows<T> rows, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet r = p.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (r.next()) out.add(rows.read(r));
                return out;
            }
        }
    }

    public int update(String sql, Object... args) {
        try (Connection c = pool.getConnection()) {
            return update(c, sql, args);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            return p.executeUpdate();
        }
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("a transaction", e);
        }
    }

    private static void bind(PreparedStatement p, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) p.setObject(i + 1, args[i]);
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Job database: " + what.strip().split("\\s+", 2)[0] + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
