package io.github.sqlitehybrid.backup;

import io.github.sqlitehybrid.SqliteDatabasePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.util.function.SingletonSupplier;

/**
 * Online backups of one SQLite database file. Each is a consistent copy made with {@code VACUUM INTO} on a
 * connection that only reads, so writers go on meanwhile; it is written under a temporary name, checked with
 * {@code PRAGMA quick_check} and renamed into place. Backups are taken on the schedule of
 * {@code sqlite.hybrid.backup.cron} and by {@link #backupNow()}, one at a time; once one is complete, the backups
 * beyond {@code keep} or older than {@code max-age} are deleted. A backup that fails is logged and counted, and
 * leaves the database and the earlier backups as they were.
 *
 * <p>The copy is made on a connection of its own, outside the application's pools: it never takes the single
 * writer's write turn.
 *
 * @since 0.1.0
 */
public final class SqliteBackups implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(SqliteBackups.class);

    private final DataSource dataSource;

    private final BackupProperties properties;

    private final Clock clock;

    private final SingletonSupplier<Path> database;

    private final SingletonSupplier<BackupFiles> files;

    private final BackupRetention retention;

    private final ReentrantLock oneAtATime = new ReentrantLock();

    private final LongAdder succeeded = new LongAdder();

    private final LongAdder failed = new LongAdder();

    private final LongAdder totalDurationMs = new LongAdder();

    private volatile @Nullable BackupResult lastSuccess;

    private volatile @Nullable Instant lastFailureAt;

    private volatile @Nullable String lastFailure;

    private volatile @Nullable ThreadPoolTaskScheduler scheduler;

    private volatile boolean running;

    /**
     * Create the backups of a DataSource's database.
     * @param dataSource the application's SQLite DataSource, of a database file
     * @param properties where, when and how many
     */
    public SqliteBackups(DataSource dataSource, BackupProperties properties) {
        this(dataSource, properties, Clock.systemUTC());
    }

    SqliteBackups(DataSource dataSource, BackupProperties properties, Clock clock) {
        this.dataSource = dataSource;
        this.properties = properties;
        this.clock = clock;
        this.database = SingletonSupplier.of(this::findDatabaseFile);
        this.files = SingletonSupplier.of(() -> new BackupFiles(
                properties.getDirectory(), this.database.obtain().toString()));
        this.retention = new BackupRetention(properties.getKeep(), properties.getMaxAge());
    }

    /**
     * Take a backup now, after the one under way if there is one.
     * @return the backup
     * @throws BackupFailedException when it could not be taken; the earlier backups are untouched
     */
    public BackupResult backupNow() {
        this.oneAtATime.lock();
        try {
            BackupResult result = copy();
            this.succeeded.increment();
            this.totalDurationMs.add(result.durationMs());
            this.lastSuccess = result;
            logger.info("Backed up " + databaseFile() + " to " + result.file() + " (" + result.sizeBytes() + " bytes, "
                    + result.durationMs() + " ms)");
            deleteExpired();
            return result;
        } catch (BackupFailedException ex) {
            this.failed.increment();
            this.lastFailureAt = this.clock.instant();
            this.lastFailure = ex.getMessage() + ": " + ex.getCause();
            logger.warn(ex.getMessage(), ex);
            throw ex;
        } finally {
            this.oneAtATime.unlock();
        }
    }

    /**
     * The complete backups in the backup directory.
     * @return them, newest first
     */
    public List<BackupEntry> list() {
        return this.files.obtain().list();
    }

    /**
     * The figures since start.
     * @return a snapshot
     */
    public BackupStats stats() {
        return new BackupStats(
                this.succeeded.sum(),
                this.failed.sum(),
                this.totalDurationMs.sum(),
                this.lastSuccess,
                this.lastFailureAt,
                this.lastFailure);
    }

    /**
     * Where the backups are written.
     * @return the backup directory
     */
    public Path directory() {
        return this.files.obtain().directory();
    }

    private BackupResult copy() {
        BackupFiles backupFiles = this.files.obtain();
        // To the millisecond, as the backup's name gives it.
        Instant at = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            return new BackupCopier(databaseFile(), backupFiles).copy(at);
        } catch (SQLException | IOException | RuntimeException ex) {
            throw new BackupFailedException(
                    "Backup of " + databaseFile() + " to "
                            + backupFiles.directory().resolve(backupFiles.nameFor(at))
                            + " failed (sqlite.hybrid.backup.directory is " + this.properties.getDirectory() + ")",
                    ex);
        }
    }

    private void deleteExpired() {
        BackupFiles backupFiles = this.files.obtain();
        for (BackupEntry expired : this.retention.expired(backupFiles.list(), this.clock.instant())) {
            try {
                Files.deleteIfExists(backupFiles.directory().resolve(expired.file()));
            } catch (IOException ex) {
                logger.warn("Could not delete the expired backup " + expired.file() + ": " + ex.getMessage());
            }
        }
    }

    private Path databaseFile() {
        return this.database.obtain();
    }

    private Path findDatabaseFile() {
        return SqliteDatabasePaths.requireWritableFile(
                this.dataSource, "sqlite.hybrid.backup.enabled", "there is nothing to back up");
    }

    private void scheduledBackup() {
        try {
            backupNow();
        } catch (BackupFailedException ex) {
            // Logged and counted; the next one is taken as scheduled.
        }
    }

    @Override
    public void start() {
        try {
            this.files.obtain().deleteLeftovers();
        } catch (IOException ex) {
            logger.warn("Could not delete unfinished backups in " + this.properties.getDirectory() + ": " + ex);
        }
        this.running = true;
        if (BackupProperties.NO_SCHEDULE.equals(this.properties.getCron())) {
            return;
        }
        ThreadPoolTaskScheduler started = new ThreadPoolTaskScheduler();
        started.setThreadNamePrefix("sqlite-hybrid-backup-");
        started.setDaemon(true);
        started.setWaitForTasksToCompleteOnShutdown(true);
        started.setAwaitTerminationSeconds(60);
        started.initialize();
        started.schedule(this::scheduledBackup, new CronTrigger(this.properties.getCron()));
        this.scheduler = started;
    }

    @Override
    public void stop() {
        this.running = false;
        ThreadPoolTaskScheduler started = this.scheduler;
        if (started != null) {
            this.scheduler = null;
            started.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }
}
