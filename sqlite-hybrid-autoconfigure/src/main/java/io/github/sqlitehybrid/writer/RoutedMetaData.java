package io.github.sqlitehybrid.writer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import org.jspecify.annotations.Nullable;

/**
 * The metadata of a {@link RoutingConnection}: each call goes to the physical connection the logical one is on at
 * that moment (its transaction's, so that a migration sees the tables it has just created, or else one of the
 * read pool), and the result sets it returns are tracked like a statement's.
 */
final class RoutedMetaData implements InvocationHandler {

    private final RoutingConnection connection;

    private RoutedMetaData(RoutingConnection connection) {
        this.connection = connection;
    }

    static DatabaseMetaData of(RoutingConnection connection) {
        return (DatabaseMetaData) Proxy.newProxyInstance(
                RoutedMetaData.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class},
                new RoutedMetaData(connection));
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Metadata of " + this.connection.proxy();
            case "getConnection":
                return this.connection.proxy();
            default:
                break;
        }
        Binding binding = this.connection.currentBinding();
        Object result = RoutedStatement.call(binding.physical().getMetaData(), method, args);
        return (result instanceof ResultSet rs)
                ? RoutedResultSet.open(rs, binding, null, this.connection).proxy()
                : result;
    }
}
