package io.github.sqlitehybrid.translation;

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
 * The JDK proxies {@link TranslatingProxy} puts over a connection and over every statement, result set and
 * metadata object reached from it, each a proxy over that one interface.
 */
final class TranslationRuntimeHints implements RuntimeHintsRegistrar {

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
