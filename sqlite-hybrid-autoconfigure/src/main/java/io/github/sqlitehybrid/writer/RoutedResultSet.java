package io.github.sqlitehybrid.writer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A result set open on a physical connection. Closing it tells its binding, so that a read connection goes back
 * to its pool and an auto-commit write gives the write turn back once nothing is left open on them.
 */
final class RoutedResultSet implements InvocationHandler {

    private final ResultSet target;

    private final Binding binding;

    private final @Nullable RoutedStatement statement;

    private final RoutingConnection connection;

    private final ResultSet proxy;

    private boolean closed;

    private RoutedResultSet(
            ResultSet target, Binding binding, @Nullable RoutedStatement statement, RoutingConnection connection) {
        this.target = target;
        this.binding = binding;
        this.statement = statement;
        this.connection = connection;
        this.proxy = (ResultSet)
                Proxy.newProxyInstance(RoutedResultSet.class.getClassLoader(), new Class<?>[] {ResultSet.class}, this);
        binding.opened(this);
    }

    static RoutedResultSet open(
            ResultSet target, Binding binding, @Nullable RoutedStatement statement, RoutingConnection connection) {
        return new RoutedResultSet(target, binding, statement, connection);
    }

    ResultSet proxy() {
        return this.proxy;
    }

    boolean isOpen() {
        return !this.closed;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Routed " + this.target;
            case "close":
                close();
                return null;
            case "isClosed":
                return this.closed || this.target.isClosed();
            case "getStatement":
                return (this.statement != null) ? this.statement.proxy() : null;
            default:
                try {
                    return method.invoke(this.target, args);
                } catch (InvocationTargetException ex) {
                    throw ex.getTargetException();
                }
        }
    }

    void closeQuietly() {
        try {
            close();
        } catch (SQLException ex) {
            // Closing a result set only releases the driver's statement; nothing to report.
        }
    }

    private void close() throws SQLException {
        if (this.closed) {
            return;
        }
        this.closed = true;
        try {
            this.target.close();
        } finally {
            this.binding.closed(this);
            if (this.statement != null) {
                this.statement.resultClosed(this);
            }
            this.connection.cursorClosed(this.binding);
        }
    }
}
