package io.github.sqlitehybrid.quartz;

import org.jspecify.annotations.Nullable;
import org.quartz.impl.jdbcjobstore.DBSemaphore;
import org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What Quartz's JDBC job store looks up by name on SQLite: the driver delegate and the lock handler that
 * {@link SqliteJobStoreCustomizer} names, which Quartz instantiates reflectively and whose property setters it
 * calls, and the schema Spring Boot's initializer reads. Nothing when Quartz is absent.
 */
final class QuartzRuntimeHints implements RuntimeHintsRegistrar {

    static final String SCHEMA = "org/quartz/impl/jdbcjobstore/tables_sqlite.sql";

    private static final String QUARTZ_JDBC_DELEGATE = "org.quartz.impl.jdbcjobstore.StdJDBCDelegate";

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        // Every application runs this registrar; without Quartz the classes below cannot even be loaded.
        if (!ClassUtils.isPresent(QUARTZ_JDBC_DELEGATE, classLoader)) {
            return;
        }
        hints.reflection()
                .registerType(SqliteQuartzDelegate.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)
                .registerType(
                        UpdateLockRowSemaphore.class,
                        MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS,
                        MemberCategory.INVOKE_PUBLIC_METHODS)
                // setTablePrefix and setSchedName, which Quartz sets on every lock handler, are declared here.
                .registerType(DBSemaphore.class, MemberCategory.INVOKE_PUBLIC_METHODS);
        hints.resources().registerPattern(SCHEMA);
    }
}
