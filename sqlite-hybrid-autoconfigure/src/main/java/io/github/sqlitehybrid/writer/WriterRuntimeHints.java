package io.github.sqlitehybrid.writer;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The JDK proxies the single writer hands out: connections ({@link RoutingConnection}, the group commit's
 * {@link StatementCachingConnection}), statements of the three JDBC kinds, result sets and metadata. Each is a
 * proxy over that one interface.
 */
final class WriterRuntimeHints implements RuntimeHintsRegistrar {

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        hints.proxies()
                .registerJdkProxy(Connection.class)
                .registerJdkProxy(Statement.class)
                .registerJdkProxy(PreparedStatement.class)
                .registerJdkProxy(CallableStatement.class)
                .registerJdkProxy(ResultSet.class)
                .registerJdkProxy(DatabaseMetaData.class);
    }
}
