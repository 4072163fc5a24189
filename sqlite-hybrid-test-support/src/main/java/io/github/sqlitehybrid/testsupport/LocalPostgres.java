package io.github.sqlitehybrid.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL server for the project's tests and benchmarks: started from the machine's own
 * server binaries in a temporary folder, listening on a free loopback port, stopped and removed when the JVM
 * exits or {@link #close()} is called.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM runs as root (as CI does), the server runs as the
 * unprivileged {@code postgres} user if the machine has one, else as {@code nobody}, through {@code runuser};
 * its folder is handed to that user.
 *
 * <p>The binaries are looked for in {@code $SQLITE_HYBRID_PG_BIN}, then in Debian's
 * {@code /usr/lib/postgresql/<version>/bin} (newest version first), then on the {@code PATH}. Where none is
 * found or the server does not start, {@link #assumeAvailable()} skips the calling test with the reason, unless
 * the environment variable or system property {@value #REQUIRE} is {@code true} (as in CI), in which case it
 * fails it.
 */
public final class LocalPostgres implements AutoCloseable {

    /** Environment variable or system property that turns a missing server from a skip into a failure. */
    public static final String REQUIRE = "SQLITE_HYBRID_REQUIRE_POSTGRES";

    /** Environment variable naming the folder with {@code initdb}, {@code pg_ctl} and {@code postgres}. */
    public static final String BIN = "SQLITE_HYBRID_PG_BIN";

    /** The superuser created by {@code initdb}; loopback connections are trusted, so it has no password. */
    public static final String USER = "test";

    /** Settings for a server whose data is thrown away: no waiting for the disk, room for many threads. */
    private static final Map<String, String> TEST_SETTINGS = Map.of(
            "fsync", "off",
            "synchronous_commit", "off",
            "full_page_writes", "off",
            "max_connections", "200");

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private static final AtomicInteger databases = new AtomicInteger();

    private static final Object sharedLock = new Object();

    private static @Nullable LocalPostgres shared;

    private static @Nullable String sharedFailure;

    private final Path binaries;

    private final Path home;

    private final List<String> runAs;

    private final int port;

    private final Path log;

    private LocalPostgres(Path binaries, Path home, List<String> runAs, int port) {
        this.binaries = binaries;
        this.home = home;
        this.runAs = runAs;
        this.port = port;
        this.log = home.resolve("server.log");
    }

    /**
     * The server shared by every test of this JVM, started on first use with settings for throwaway data
     * ({@code fsync=off}), and skips (or, where required, fails) the calling test when there is none.
     * @return the running server
     */
    public static LocalPostgres assumeAvailable() {
        synchronized (sharedLock) {
            if (shared == null && sharedFailure == null) {
                try {
                    shared = start(TEST_SETTINGS);
                    Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "local-postgres-stop"));
                } catch (IllegalStateException ex) {
                    sharedFailure = ex.getMessage();
                }
            }
            if (shared != null) {
                return shared;
            }
            if (required()) {
                throw new IllegalStateException(
                        "PostgreSQL is required here (" + REQUIRE + "=true) but cannot run: " + sharedFailure);
            }
            Assumptions.abort("PostgreSQL tests skipped: " + sharedFailure);
            throw new AssertionError("unreachable");
        }
    }

    /**
     * Start a new server; the caller closes it.
     * @param settings server settings ({@code postgres -c name=value}), such as {@code fsync}
     * @return the running server
     * @throws IllegalStateException with the reason when the server cannot be started
     */
    public static LocalPostgres start(Map<String, String> settings) {
        Path binaries = findBinaries()
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries (initdb, pg_ctl, postgres)"
                        + " in $" + BIN + ", /usr/lib/postgresql/*/bin or the PATH; install Debian's postgresql"
                        + " package or point " + BIN + " at them"));
        // PostgreSQL refuses root: there, its commands run as an unprivileged user, who owns its folder.
        String user = "root".equals(System.getProperty("user.name")) ? unprivilegedUser() : null;
        List<String> runAs = (user != null) ? List.of(runuser(), "-u", user, "--") : List.of();
        Path home;
        try {
            home = Files.createTempDirectory("sqlite-hybrid-postgres-");
            handOver(home, user);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot prepare a folder for PostgreSQL: " + ex, ex);
        }
        LocalPostgres server = null;
        try {
            run(
                    runAs,
                    home,
                    List.of(
                            binaries.resolve("initdb").toString(),
                            "-D",
                            home.resolve("data").toString(),
                            "-U",
                            USER,
                            "--auth=trust",
                            "--encoding=UTF8",
                            "--no-locale",
                            "--no-sync"));
            IllegalStateException lastFailure = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                server = new LocalPostgres(binaries, home, runAs, freePort());
                try {
                    server.startServer(settings);
                    return server;
                } catch (IllegalStateException ex) {
                    lastFailure = ex;
                }
            }
            throw lastFailure;
        } catch (RuntimeException ex) {
            deleteRecursively(home);
            throw ex;
        }
    }

    /**
     * The JDBC URL of a new, empty database on this server, so that tests do not see each other's tables.
     * @param prefix the start of the database's name: lower-case letters, digits and underscores
     * @return a JDBC URL for user {@value #USER}, no password
     */
    public String createDatabase(String prefix) {
        String name = prefix.toLowerCase(Locale.ROOT) + "_" + databases.incrementAndGet();
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + prefix + "' does not make a valid database name");
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException ex) {
            throw new IllegalStateException("cannot create database " + name + ": " + ex.getMessage(), ex);
        }
        return jdbcUrl(name);
    }

    /**
     * The JDBC URL of a database on this server.
     * @param database the database's name
     * @return the URL
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
    }

    /**
     * The port the server listens on, on 127.0.0.1.
     * @return the port
     */
    public int port() {
        return this.port;
    }

    /** Stop the server at once and remove its folder. */
    @Override
    public void close() {
        try {
            run(this.runAs, this.home, List.of(pgCtl(), "-D", dataDirectory(), "-m", "immediate", "-w", "stop"));
        } catch (IllegalStateException ex) {
            // Already stopped, or the folder is gone: nothing left to stop.
        } finally {
            deleteRecursively(this.home);
        }
    }

    private void startServer(Map<String, String> settings) {
        StringBuilder options = new StringBuilder("-p " + this.port + " -h 127.0.0.1 -k " + this.home);
        settings.forEach(
                (name, value) -> options.append(" -c ").append(name).append('=').append(value));
        try {
            run(
                    this.runAs,
                    this.home,
                    List.of(
                            pgCtl(),
                            "-D",
                            dataDirectory(),
                            "-l",
                            this.log.toString(),
                            "-o",
                            options.toString(),
                            "-w",
                            "-t",
                            "60",
                            "start"));
        } catch (IllegalStateException ex) {
            throw new IllegalStateException(ex.getMessage() + "; server log: " + tail(this.log), ex);
        }
    }

    private String pgCtl() {
        return this.binaries.resolve("pg_ctl").toString();
    }

    private String dataDirectory() {
        return this.home.resolve("data").toString();
    }

    private static boolean required() {
        String value = System.getProperty(REQUIRE, System.getenv(REQUIRE));
        return Boolean.parseBoolean(value);
    }

    private static Optional<Path> findBinaries() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv(BIN);
        if (configured != null && !configured.isBlank()) {
            candidates.add(Paths.get(configured));
        }
        Path debian = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.sorted(Comparator.comparing(LocalPostgres::majorVersion)
                                .reversed())
                        .map((version) -> version.resolve("bin"))
                        .forEach(candidates::add);
            } catch (IOException ex) {
                // Unreadable: fall through to the PATH.
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Paths.get(entry));
                }
            }
        }
        return candidates.stream()
                .filter((bin) -> Stream.of("initdb", "pg_ctl", "postgres")
                        .allMatch((tool) -> Files.isExecutable(bin.resolve(tool))))
                .findFirst();
    }

    private static int majorVersion(Path versionFolder) {
        try {
            return Integer.parseInt(versionFolder.getFileName().toString());
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    private static String runuser() {
        return Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")
                .filter((candidate) -> Files.isExecutable(Paths.get(candidate)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "running as root, and PostgreSQL refuses root, but there is no runuser to run it as"
                                + " another user"));
    }

    private static String unprivilegedUser() {
        try {
            List<String> passwd = Files.readAllLines(Paths.get("/etc/passwd"));
            boolean hasPostgres = passwd.stream().anyMatch((line) -> line.startsWith("postgres:"));
            return hasPostgres ? "postgres" : "nobody";
        } catch (IOException ex) {
            return "nobody";
        }
    }

    private static void handOver(Path home, @Nullable String user) throws IOException {
        PosixFileAttributeView attributes = Files.getFileAttributeView(home, PosixFileAttributeView.class);
        attributes.setPermissions(PosixFilePermissions.fromString("rwx------"));
        if (user != null) {
            UserPrincipalLookupService lookup = home.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal owner = lookup.lookupPrincipalByName(user);
            attributes.setOwner(owner);
            try {
                GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
                attributes.setGroup(group);
            } catch (IOException ex) {
                // No group of that name (nobody's is nogroup): the owner alone suffices with rwx------.
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void run(List<String> runAs, Path workingDirectory, List<String> command) {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(command);
        try {
            Path output = Files.createTempFile("sqlite-hybrid-postgres-command", ".log");
            try {
                Process process = new ProcessBuilder(full)
                        .directory(workingDirectory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", full) + " did not finish within 120 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(
                            String.join(" ", full) + " exited with " + process.exitValue() + ": " + tail(output));
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException ex) {
            throw new IllegalStateException("cannot run " + String.join(" ", full) + ": " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", full), ex);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException ex) {
            return "(no output: " + ex.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ex) {
                    // Best effort: a temporary folder left behind is not worth failing a test run for.
                }
            });
        } catch (IOException ex) {
            // As above.
        }
    }
}
