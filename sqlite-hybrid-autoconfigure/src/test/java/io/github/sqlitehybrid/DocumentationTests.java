package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.sqlitehybrid.backup.BackupAutoConfiguration;
import io.github.sqlitehybrid.backup.BackupMetricsAutoConfiguration;
import io.github.sqlitehybrid.buffer.WriteBufferAutoConfiguration;
import io.github.sqlitehybrid.buffer.WriteBufferMetricsAutoConfiguration;
import io.github.sqlitehybrid.logdb.LogDatabaseAutoConfiguration;
import io.github.sqlitehybrid.logdb.LogDatabaseMetricsAutoConfiguration;
import io.github.sqlitehybrid.maintenance.MaintenanceAutoConfiguration;
import io.github.sqlitehybrid.maintenance.MaintenanceMetricsAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryMetricsAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.writer.GroupCommitAutoConfiguration;
import io.github.sqlitehybrid.writer.GroupCommitMetricsAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.UncategorizedSQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The README and the reference pages name only what exists: every {@code sqlite.hybrid.*} name in them is a property
 * of the configuration metadata (or a map key below one) or a meter the starter registers.
 */
class DocumentationTests {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern NAME = Pattern.compile("sqlite\\.hybrid(?:\\.[a-z0-9-]+)+");

    @TempDir
    Path dir;

    @Test
    void everyDocumentedNameIsAPropertyOrAMeter() throws IOException {
        Set<String> properties = metadata("$.properties[*].name");
        properties.addAll(metadata("$.groups[*].name"));
        Set<String> maps = metadata("$.properties[?(@.type =~ /java\\.util\\.Map.*/)].name");
        Set<String> meters = meterNames();

        List<String> unknown = new ArrayList<>();
        for (Path page : pages()) {
            Matcher names = NAME.matcher(Files.readString(page));
            while (names.find()) {
                String name = names.group();
                if (!properties.contains(name) && !isBelowMap(name, maps) && !isMeterOrPrefix(name, meters)) {
                    unknown.add(PROJECT.relativize(page) + ": " + name);
                }
            }
        }
        assertThat(unknown).as("names that are neither a property nor a meter").isEmpty();
    }

    @Test
    void relativeLinksBetweenPagesResolve() throws IOException {
        Pattern link = Pattern.compile("\\]\\(((?!https?:|#)[^)#\\s]+)");
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher links = link.matcher(Files.readString(page));
            while (links.find()) {
                if (!Files.exists(page.resolveSibling(links.group(1)))) {
                    broken.add(PROJECT.relativize(page) + " -> " + links.group(1));
                }
            }
        }
        assertThat(broken).as("relative links to missing files").isEmpty();
    }

    private static boolean isBelowMap(String name, Set<String> maps) {
        return maps.stream().anyMatch((map) -> name.startsWith(map + "."));
    }

    private static boolean isMeterOrPrefix(String name, Set<String> meters) {
        return meters.stream().anyMatch((meter) -> meter.equals(name) || meter.startsWith(name + "."));
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        Path docs = PROJECT.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        assertThat(pages.get(0)).exists();
        return pages;
    }

    private Set<String> meterNames() {
        AtomicReference<Set<String>> names = new AtomicReference<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class,
                        DataSourceAutoConfiguration.class,
                        SqlitePragmaAutoConfiguration.class,
                        DbRetryAutoConfiguration.class,
                        DbRetryMetricsAutoConfiguration.class,
                        SingleWriterAutoConfiguration.class,
                        SingleWriterMetricsAutoConfiguration.class,
                        GroupCommitAutoConfiguration.class,
                        GroupCommitMetricsAutoConfiguration.class,
                        WriteBufferAutoConfiguration.class,
                        WriteBufferMetricsAutoConfiguration.class,
                        LogDatabaseAutoConfiguration.class,
                        LogDatabaseMetricsAutoConfiguration.class,
                        BackupAutoConfiguration.class,
                        BackupMetricsAutoConfiguration.class,
                        MaintenanceAutoConfiguration.class,
                        MaintenanceMetricsAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
                        "sqlite.hybrid.backup.enabled=true",
                        "sqlite.hybrid.backup.cron=-",
                        "sqlite.hybrid.maintenance.enabled=true",
                        "sqlite.hybrid.backup.directory=" + this.dir.resolve("backups"),
                        "sqlite.hybrid.log-database.enabled=true",
                        "sqlite.hybrid.log-database.path=" + this.dir.resolve("logs.db"))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    retryOnce(context.getBean(DbRetryTemplate.class));
                    names.set(context.getBean(MeterRegistry.class).getMeters().stream()
                            .map((meter) -> meter.getId().getName())
                            .collect(Collectors.toCollection(TreeSet::new)));
                });
        assertThat(names.get()).as("meters of the starter").anyMatch((name) -> name.startsWith("sqlite.hybrid."));
        return names.get();
    }

    /** Retry meters are registered per operation and outcome at first use: one call that meets a lock error. */
    private static void retryOnce(DbRetryTemplate retry) {
        AtomicInteger attempts = new AtomicInteger();
        retry.run("Documentation.retryOnce", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new UncategorizedSQLException(
                        "write", "INSERT", new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY));
            }
        });
        assertThat(attempts).hasValue(2);
    }

    private static Set<String> metadata(String path) throws IOException {
        try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            List<String> names = JsonPath.parse(json).read(path);
            return new TreeSet<>(names);
        }
    }
}
