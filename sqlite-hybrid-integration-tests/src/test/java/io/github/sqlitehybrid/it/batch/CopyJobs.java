package io.github.sqlitehybrid.it.batch;

import java.util.Map;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.database.JdbcBatchItemWriter;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.batch.infrastructure.item.support.builder.SynchronizedItemStreamReaderBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Three jobs that copy every input item to the output table once, each with a step that runs on {@value #THREADS}
 * threads: a partitioned step, Batch 5's multi-threaded tasklet step, and Batch 6's concurrent chunk-oriented step.
 * Every step writes in chunk transactions of Spring's transaction manager on the application's data source, and
 * updates Batch's job repository in the same transactions.
 */
@Configuration(proxyBeanMethods = false)
class CopyJobs {

    static final int THREADS = 4;

    static final int CHUNK_SIZE = 50;

    /** A partitioned step: four id ranges, each copied by a chunk-oriented worker step on its own thread. */
    @Bean
    Job partitionedCopy(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            DataSource dataSource,
            JdbcPagingItemReader<Item> rangeReader,
            ItemProcessor<Item, CopiedItem> stampThread,
            JdbcBatchItemWriter<CopiedItem> itemWriter,
            ThreadPoolTaskExecutor partitionThreads) {
        Step worker = new StepBuilder("copyPartition", jobRepository)
                .<Item, CopiedItem>chunk(CHUNK_SIZE)
                .transactionManager(transactionManager)
                .reader(rangeReader)
                .processor(stampThread)
                .writer(itemWriter)
                .build();
        Step manager = new StepBuilder("partitionManager", jobRepository)
                .partitioner("copyPartition", new IdRangePartitioner(dataSource))
                .step(worker)
                .gridSize(THREADS)
                .taskExecutor(partitionThreads)
                .build();
        return new JobBuilder("partitionedCopy", jobRepository).start(manager).build();
    }

    /**
     * Batch 5's multi-threaded step: a tasklet step whose chunks run on a task executor, each reading, processing
     * and writing a whole chunk in its own transaction, all sharing one reader and Batch's chunk semaphore.
     */
    // Deprecated for removal in Batch 6 (chunk(int, PlatformTransactionManager), taskExecutor(TaskExecutor)), but
    // it is what applications written for Batch 5 run, and the step that deadlocked with the turn taken late.
    @Bean
    @SuppressWarnings("removal")
    Job threadedCopy(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            JdbcPagingItemReader<Item> allItemsReader,
            ItemProcessor<Item, CopiedItem> stampThread,
            JdbcBatchItemWriter<CopiedItem> itemWriter,
            ThreadPoolTaskExecutor chunkThreads) {
        Step step = new StepBuilder("threadedCopy", jobRepository)
                .<Item, CopiedItem>chunk(CHUNK_SIZE, transactionManager)
                .reader(new SynchronizedItemStreamReaderBuilder<Item>()
                        .delegate(allItemsReader)
                        .build())
                .processor(stampThread)
                .writer(itemWriter)
                .taskExecutor(chunkThreads)
                .build();
        return new JobBuilder("threadedCopy", jobRepository).start(step).build();
    }

    /**
     * Batch 6's concurrent chunk-oriented step: the step's thread reads and writes each chunk in its transaction,
     * while the chunk's items are processed on the task executor's threads.
     */
    @Bean
    Job concurrentCopy(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            JdbcPagingItemReader<Item> allItemsReader,
            ItemProcessor<Item, CopiedItem> stampThread,
            JdbcBatchItemWriter<CopiedItem> itemWriter,
            ThreadPoolTaskExecutor itemThreads) {
        Step step = new StepBuilder("concurrentCopy", jobRepository)
                .<Item, CopiedItem>chunk(CHUNK_SIZE)
                .transactionManager(transactionManager)
                .reader(allItemsReader)
                .processor(stampThread)
                .writer(itemWriter)
                .taskExecutor(itemThreads)
                .build();
        return new JobBuilder("concurrentCopy", jobRepository).start(step).build();
    }

    /** The items of one partition's id range. */
    @Bean
    @StepScope
    JdbcPagingItemReader<Item> rangeReader(
            DataSource dataSource,
            @Value("#{stepExecutionContext['minId']}") long minId,
            @Value("#{stepExecutionContext['maxId']}") long maxId)
            throws Exception {
        return items(dataSource, "rangeReader")
                .whereClause("id BETWEEN :minId AND :maxId")
                .parameterValues(Map.of("minId", minId, "maxId", maxId))
                .build();
    }

    /** All items; a paging reader is safe to share between threads, and keeps no restart state when shared. */
    @Bean
    @StepScope
    JdbcPagingItemReader<Item> allItemsReader(DataSource dataSource) throws Exception {
        return items(dataSource, "allItemsReader").saveState(false).build();
    }

    private static JdbcPagingItemReaderBuilder<Item> items(DataSource dataSource, String name) {
        return new JdbcPagingItemReaderBuilder<Item>()
                .name(name)
                .dataSource(dataSource)
                .selectClause("id, name")
                .fromClause("item_in")
                .sortKeys(Map.of("id", Order.ASCENDING))
                .pageSize(CHUNK_SIZE)
                .rowMapper((rs, row) -> new Item(rs.getLong("id"), rs.getString("name")));
    }

    @Bean
    ItemProcessor<Item, CopiedItem> stampThread() {
        return (item) ->
                new CopiedItem(item.id(), item.name(), Thread.currentThread().getName());
    }

    @Bean
    JdbcBatchItemWriter<CopiedItem> itemWriter(DataSource dataSource) {
        return new JdbcBatchItemWriterBuilder<CopiedItem>()
                .dataSource(dataSource)
                .sql("INSERT INTO item_out (item_id, name, processed_by) VALUES (?, ?, ?)")
                .itemPreparedStatementSetter((item, statement) -> {
                    statement.setLong(1, item.id());
                    statement.setString(2, item.name());
                    statement.setString(3, item.processedBy());
                })
                .build();
    }

    @Bean
    ThreadPoolTaskExecutor partitionThreads() {
        return threads("partition-");
    }

    @Bean
    ThreadPoolTaskExecutor chunkThreads() {
        return threads("chunk-");
    }

    @Bean
    ThreadPoolTaskExecutor itemThreads() {
        return threads("item-");
    }

    private static ThreadPoolTaskExecutor threads(String prefix) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(THREADS);
        executor.setMaxPoolSize(THREADS);
        executor.setThreadNamePrefix(prefix);
        return executor;
    }
}
