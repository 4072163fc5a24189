package io.github.sqlitehybrid.it.quartz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Two jobs with data of their own, each fired by four repeating triggers, declared as beans for Boot's Quartz
 * auto-configuration to schedule in its job store.
 */
@SpringBootApplication
public class QuartzApplication {

    /** Each job's data, as declared; the jobs compare what Quartz reads back from the store with it. */
    static final Map<String, Map<String, Object>> JOB_DATA = Map.of(
            "invoices",
            Map.of("region", "Zürich ☃", "batch", 42),
            "reports",
            Map.of("format", "pdf", "recipients", new ArrayList<>(List.of("ops", "finance"))));

    /** The triggers' intervals, one trigger each per job. */
    static final List<Duration> INTERVALS =
            List.of(Duration.ofMillis(100), Duration.ofMillis(150), Duration.ofMillis(200), Duration.ofMillis(250));

    @Bean
    JobDetail invoices() {
        return job("invoices");
    }

    @Bean
    JobDetail reports() {
        return job("reports");
    }

    @Bean
    Trigger invoices0(JobDetail invoices) {
        return every(invoices, 0);
    }

    @Bean
    Trigger invoices1(JobDetail invoices) {
        return every(invoices, 1);
    }

    @Bean
    Trigger invoices2(JobDetail invoices) {
        return every(invoices, 2);
    }

    @Bean
    Trigger invoices3(JobDetail invoices) {
        return every(invoices, 3);
    }

    @Bean
    Trigger reports0(JobDetail reports) {
        return every(reports, 0);
    }

    @Bean
    Trigger reports1(JobDetail reports) {
        return every(reports, 1);
    }

    @Bean
    Trigger reports2(JobDetail reports) {
        return every(reports, 2);
    }

    @Bean
    Trigger reports3(JobDetail reports) {
        return every(reports, 3);
    }

    private static JobDetail job(String name) {
        return JobBuilder.newJob(RecordingJob.class)
                .withIdentity(name)
                .usingJobData(new JobDataMap(JOB_DATA.get(name)))
                .storeDurably()
                .build();
    }

    private static Trigger every(JobDetail job, int index) {
        Duration interval = INTERVALS.get(index);
        return TriggerBuilder.newTrigger()
                .forJob(job)
                .withIdentity(job.getKey().getName() + "-every-" + interval.toMillis() + "ms")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever())
                .startNow()
                .build();
    }
}
