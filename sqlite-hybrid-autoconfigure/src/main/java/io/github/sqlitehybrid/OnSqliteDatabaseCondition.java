package io.github.sqlitehybrid;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The condition behind {@link ConditionalOnSqliteDatabase}. */
final class OnSqliteDatabaseCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnSqliteDatabase.class);
        String url = context.getEnvironment().getProperty(ConditionalOnSqliteDatabase.URL_PROPERTY);
        if (url == null || url.isBlank()) {
            return ConditionOutcome.match(
                    message.because(ConditionalOnSqliteDatabase.URL_PROPERTY + " is not set; the DataSource decides"));
        }
        if (SqliteDatabasePaths.isSqliteUrl(url)) {
            return ConditionOutcome.match(message.because("the JDBC URL is a SQLite one"));
        }
        int end = url.indexOf(':', "jdbc:".length());
        String product = (url.startsWith("jdbc:") && end > 0) ? url.substring("jdbc:".length(), end) : url;
        return ConditionOutcome.noMatch(message.because("the JDBC URL names another database: " + product));
    }
}
