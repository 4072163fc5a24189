package io.github.sqlitehybrid.it.quartz;

import java.util.HashMap;
import java.util.Map;
import org.quartz.JobExecutionContext;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * Checks the job data Quartz read back from its store for this firing, then records the firing. Created for each
 * firing by Boot's job factory, with the application's beans.
 */
public class RecordingJob extends QuartzJobBean {

    private final JobRuns runs;

    public RecordingJob(JobRuns runs) {
        this.runs = runs;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        String job = context.getJobDetail().getKey().getName();
        String trigger = context.getTrigger().getKey().getName();
        try {
            Map<String, Object> data = new HashMap<>(context.getJobDetail().getJobDataMap());
            if (!data.equals(QuartzApplication.JOB_DATA.get(job))) {
                this.runs.fail("job data of " + job + " read back as " + data);
            }
            this.runs.record(trigger, job, context.getScheduledFireTime().getTime());
        } catch (RuntimeException ex) {
            this.runs.fail(trigger + ": " + ex);
        }
    }
}
