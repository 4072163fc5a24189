package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class DbRetryMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(DbRetryAutoConfiguration.class, DbRetryMetricsAutoConfiguration.class));

    private ApplicationContextRunner withMetrics() {
        return this.contextRunner.withConfiguration(AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class));
    }

    @Test
    void registersTheRetryMetersWhenTheApplicationHasAMeterRegistry() {
        withMetrics().run((context) -> assertThat(context).hasSingleBean(DbRetryMetrics.class));
    }

    @Test
    void registersNothingWithoutAMeterRegistry() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(LockStatistics.class);
            assertThat(context).doesNotHaveBean(DbRetryMetrics.class);
        });
    }

    @Test
    void backsOffForTheApplicationsOwnMeters() {
        withMetrics()
                .withUserConfiguration(OwnMetersConfiguration.class)
                .run((context) ->
                        assertThat(context.getBean(DbRetryMetrics.class)).isSameAs(context.getBean("ownMeters")));
    }

    @Test
    void countersReadTheStatisticsAndAppearWithTheirFirstCall() {
        withMetrics().run((context) -> {
            DbRetryTemplate template = context.getBean(DbRetryTemplate.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find(DbRetryMetrics.CALLS).meters()).isEmpty();
            for (int i = 0; i < 3; i++) {
                template.execute("Reports.count", () -> 1);
            }
            assertThat(registry.get(DbRetryMetrics.CALLS)
                            .tag("method", "Reports.count")
                            .tag("outcome", "success_without_retry")
                            .functionCounter()
                            .count())
                    .isEqualTo(3.0)
                    .isEqualTo(context.getBean(LockStatistics.class)
                            .operation("Reports.count")
                            .calls(DbRetryOutcome.SUCCESS_WITHOUT_RETRY));
        });
    }

    @Test
    void aRegistryBoundLaterGetsTheCountersOfEarlierCalls() {
        LockStatistics statistics = new LockStatistics();
        statistics.onLockError("Jobs.claim", "SQLITE_BUSY");
        statistics.onRetry("Jobs.claim", Duration.ofMillis(3));
        statistics.onCallComplete("Jobs.claim", DbRetryOutcome.SUCCESS_WITH_RETRY, 2, null);
        DbRetryMetrics metrics = new DbRetryMetrics(statistics);
        MeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        metrics.bindTo(registry);
        assertThat(registry.get(DbRetryMetrics.CALLS)
                        .tag("outcome", "success_with_retry")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get(DbRetryMetrics.LOCK_ERRORS)
                        .tag("code", "SQLITE_BUSY")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMetersConfiguration {

        @Bean
        DbRetryMetrics ownMeters(LockStatistics statistics) {
            return new DbRetryMetrics(statistics);
        }
    }
}
