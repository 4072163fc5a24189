package io.github.sqlitehybrid.quartz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.calendar.HolidayCalendar;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Everything Quartz serializes into a BLOB column comes back through {@link SqliteQuartzDelegate}: job data (as
 * a serialized map and as properties text), a trigger's own data and a calendar. The scheduler is not started:
 * each read goes to the SQLite file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteQuartzDelegateTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        QuartzAutoConfiguration.class,
                        SqliteQuartzAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("quartz.db"),
                        "spring.quartz.job-store-type=jdbc",
                        "spring.quartz.jdbc.initialize-schema=always",
                        "spring.quartz.auto-startup=false");
    }

    @Test
    void serializedJobDataTriggerDataAndCalendarsAreReadBack() {
        contextRunner().run((context) -> {
            Scheduler scheduler = context.getBean(Scheduler.class);
            JobDataMap data = new JobDataMap();
            data.put("text", "grüezi ☃");
            data.put("count", 42);
            data.put("tags", new ArrayList<>(List.of("a", "b")));
            HolidayCalendar holidays = new HolidayCalendar();
            holidays.setDescription("closed");
            scheduler.addCalendar("holidays", holidays, false, false);
            scheduler.scheduleJob(
                    JobBuilder.newJob(SqliteQuartzAutoConfigurationTests.NoOpJob.class)
                            .withIdentity("job")
                            .usingJobData(data)
                            .build(),
                    trigger("trigger", "trigger data"));

            assertThat(scheduler.getJobDetail(JobKey.jobKey("job")).getJobDataMap())
                    .containsExactlyInAnyOrderEntriesOf(data);
            assertThat(scheduler.getTrigger(TriggerKey.triggerKey("trigger")).getJobDataMap())
                    .containsEntry("own", "trigger data");
            assertThat(scheduler.getCalendar("holidays").getDescription()).isEqualTo("closed");
        });
    }

    @Test
    void jobDataStoredAsPropertiesIsReadBack() {
        contextRunner()
                .withPropertyValues("spring.quartz.properties.org.quartz.jobStore.useProperties=true")
                .run((context) -> {
                    Scheduler scheduler = context.getBean(Scheduler.class);
                    scheduler.scheduleJob(
                            JobBuilder.newJob(SqliteQuartzAutoConfigurationTests.NoOpJob.class)
                                    .withIdentity("job")
                                    .usingJobData("text", "grüezi")
                                    .usingJobData("empty", "")
                                    .build(),
                            trigger("trigger", "trigger data"));

                    assertThat(scheduler.getJobDetail(JobKey.jobKey("job")).getJobDataMap())
                            .containsOnly(entry("text", "grüezi"), entry("empty", ""));
                    assertThat(scheduler
                                    .getTrigger(TriggerKey.triggerKey("trigger"))
                                    .getJobDataMap())
                            .containsOnly(entry("own", "trigger data"));
                });
    }

    @Test
    void jobWithoutDataIsReadBackWithAnEmptyMap() {
        contextRunner().run((context) -> {
            Scheduler scheduler = context.getBean(Scheduler.class);
            scheduler.addJob(
                    JobBuilder.newJob(SqliteQuartzAutoConfigurationTests.NoOpJob.class)
                            .withIdentity("bare")
                            .storeDurably()
                            .build(),
                    false);
            assertThat(scheduler.getJobDetail(JobKey.jobKey("bare")).getJobDataMap())
                    .isEmpty();
        });
    }

    private static Trigger trigger(String name, String data) {
        return TriggerBuilder.newTrigger()
                .withIdentity(name)
                .usingJobData("own", data)
                .withSchedule(SimpleScheduleBuilder.repeatHourlyForever())
                .startAt(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .build();
    }
}
