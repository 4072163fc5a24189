package io.github.sqlitehybrid.it.batch;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Items copied from one table to another by Spring Batch jobs whose steps run on several threads at once. */
@SpringBootApplication
public class BatchApplication {}
