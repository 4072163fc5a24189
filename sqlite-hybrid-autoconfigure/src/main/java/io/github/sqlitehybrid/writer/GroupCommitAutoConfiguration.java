package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration for the {@link GroupCommitWriter}: present when the application has one DataSource,
 * unless {@code sqlite.hybrid.writer.group-commit.enabled=false}. The writer takes its connection on first
 * use, so a DataSource that turns out not to be SQLite costs nothing until someone submits a unit.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = {DataSourceAutoConfiguration.class, SqlitePragmaAutoConfiguration.class, DbRetryAutoConfiguration.class
        })
@ConditionalOnClass({SQLiteConnection.class, JdbcTemplate.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnSqliteDatabase
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.writer.group-commit.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(GroupCommitProperties.class)
public final class GroupCommitAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    GroupCommitWriter groupCommitWriter(
            DataSource dataSource,
            GroupCommitProperties properties,
            ObjectProvider<LockErrorClassifier> lockErrorClassifier,
            ObjectProvider<GroupCommitListener> listeners) {
        return new GroupCommitWriter(
                dataSource,
                properties,
                lockErrorClassifier.getIfAvailable(SqliteLockErrorClassifier::new),
                listeners.orderedStream().toList());
    }
}
