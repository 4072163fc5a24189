package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

/** The metadata IDEs read: every property documented, enum-like values hinted. */
class ConfigurationMetadataTests {

    private static final List<String> PROPERTIES = List.of(
            "sqlite.hybrid.enabled",
            "sqlite.hybrid.pragmas.journal-mode",
            "sqlite.hybrid.pragmas.synchronous",
            "sqlite.hybrid.pragmas.busy-timeout",
            "sqlite.hybrid.pragmas.foreign-keys",
            "sqlite.hybrid.pragmas.cache-size",
            "sqlite.hybrid.pragmas.temp-store",
            "sqlite.hybrid.pragmas.mmap-size",
            "sqlite.hybrid.pragmas.journal-size-limit",
            "sqlite.hybrid.pragmas.wal-autocheckpoint",
            "sqlite.hybrid.pragmas.extra",
            "sqlite.hybrid.retry.max-attempts",
            "sqlite.hybrid.retry.initial-delay",
            "sqlite.hybrid.retry.max-delay",
            "sqlite.hybrid.retry.multiplier",
            "sqlite.hybrid.retry.jitter",
            "sqlite.hybrid.retry.order",
            "sqlite.hybrid.translation.enabled",
            "sqlite.hybrid.translation.date-format",
            "sqlite.hybrid.writer.enabled",
            "sqlite.hybrid.writer.acquire-timeout",
            "sqlite.hybrid.writer.long-transaction-threshold",
            "sqlite.hybrid.log-database.enabled",
            "sqlite.hybrid.log-database.path",
            "sqlite.hybrid.log-database.min-level",
            "sqlite.hybrid.log-database.queue-capacity",
            "sqlite.hybrid.log-database.max-batch-size",
            "sqlite.hybrid.log-database.flush-interval",
            "sqlite.hybrid.log-database.retention",
            "sqlite.hybrid.quartz.enabled",
            "sqlite.hybrid.writer.long-read-threshold",
            "sqlite.hybrid.backup.enabled",
            "sqlite.hybrid.backup.directory",
            "sqlite.hybrid.backup.cron",
            "sqlite.hybrid.backup.keep",
            "sqlite.hybrid.backup.max-age",
            "sqlite.hybrid.maintenance.enabled",
            "sqlite.hybrid.maintenance.checkpoint-interval",
            "sqlite.hybrid.maintenance.wal-limit",
            "sqlite.hybrid.maintenance.truncate-when-quiet",
            "sqlite.hybrid.maintenance.optimize-interval");

    @Test
    void documentsEveryProperty() throws IOException {
        List<Map<String, Object>> properties = read("$.properties[?(@.name =~ /sqlite\\.hybrid\\..*/)]");
        assertThat(properties).extracting((p) -> p.get("name")).containsAll(PROPERTIES);
        for (Map<String, Object> property : properties) {
            assertThat((String) property.get("description"))
                    .as("description of %s", property.get("name"))
                    .isNotBlank()
                    .doesNotContain("{@");
        }
    }

    @Test
    void hintsEnumLikeValues() throws IOException {
        List<String> hinted = read("$.hints[*].name");
        assertThat(hinted)
                .contains(
                        "sqlite.hybrid.pragmas.journal-mode",
                        "sqlite.hybrid.pragmas.synchronous",
                        "sqlite.hybrid.pragmas.temp-store",
                        "sqlite.hybrid.log-database.min-level");
        List<String> journalModes = read("$.hints[?(@.name == 'sqlite.hybrid.pragmas.journal-mode')].values[*].value");
        assertThat(journalModes).containsExactlyInAnyOrder("wal", "delete", "truncate", "persist", "memory", "off");
    }

    private static <T> T read(String path) throws IOException {
        try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            return JsonPath.parse(json).read(path);
        }
    }
}
