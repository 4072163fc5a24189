package io.github.sqlitehybrid.writer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;
import org.jspecify.annotations.Nullable;

/**
 * A statement of a {@link RoutingConnection}. It has no physical statement of its own until it runs: each
 * execution is routed by its connection (to the transaction's connection, to the read pool, or to the write
 * lease for an auto-commit write), and the physical statement is made there from what this one was told
 * ({@link StatementState}). When the connection it ran on goes back to its pool, the physical statement is
 * closed; the next execution makes another.
 */
final class RoutedStatement implements InvocationHandler {

    private final RoutingConnection connection;

    /** The {@code Connection} method that made this statement, and its arguments: how to make a physical one. */
    private final Method factory;

    private final @Nullable Object[] factoryArgs;

    /** The SQL of a prepared or callable statement; {@code null} for a plain one. */
    private final @Nullable String sql;

    private final @Nullable SqlStatementKind preparedKind;

    private final Statement proxy;

    private final StatementState state = new StatementState();

    private final List<RoutedResultSet> results = new ArrayList<>(1);

    private @Nullable Binding binding;

    private @Nullable Statement physical;

    private @Nullable RoutedResultSet current;

    /** Generated keys read before the statement left the write lease's connection. */
    private @Nullable ResultSet keys;

    /** The update count of the last execution, kept when the statement left its connection. */
    private long updateCount = -1;

    private boolean closed;

    RoutedStatement(RoutingConnection connection, Method factory, @Nullable Object[] factoryArgs) {
        this.connection = connection;
        this.factory = factory;
        this.factoryArgs = factoryArgs;
        this.sql =
                (factoryArgs != null && factoryArgs.length > 0 && factoryArgs[0] instanceof String text) ? text : null;
        this.preparedKind = (this.sql != null) ? SqlStatementKind.of(this.sql) : null;
        Class<?> type = factory.getReturnType();
        this.proxy = (Statement) Proxy.newProxyInstance(
                RoutedStatement.class.getClassLoader(),
                new Class<?>[] {
                    (type == CallableStatement.class || type == PreparedStatement.class) ? type : Statement.class
                },
                this);
    }

    Statement proxy() {
        return this.proxy;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Routed statement" + ((this.sql != null) ? " '" + this.sql + "'" : "");
            case "close":
                close();
                return null;
            case "isClosed":
                return this.closed;
            case "getConnection":
                return this.connection.proxy();
            case "unwrap":
                return ((Class<?>) args[0]).isInstance(proxy)
                        ? proxy
                        : requirePhysical().unwrap((Class<?>) args[0]);
            case "isWrapperFor":
                return ((Class<?>) args[0]).isInstance(proxy)
                        || (this.physical != null && this.physical.isWrapperFor((Class<?>) args[0]));
            case "getResultSet":
                return (this.physical != null) ? currentResult() : null;
            case "getGeneratedKeys":
                return generatedKeys();
            case "getUpdateCount":
                return (this.physical != null) ? this.physical.getUpdateCount() : (int) this.updateCount;
            case "getLargeUpdateCount":
                return (this.physical != null) ? this.physical.getLargeUpdateCount() : this.updateCount;
            case "getMoreResults":
                return moreResults(method, args);
            case "getParameterMetaData":
            case "getMetaData":
                if (this.physical == null) {
                    this.connection.attachForDescription(this);
                }
                return forward(method, args);
            case "cancel":
            case "clearWarnings":
                return (this.physical != null) ? forward(method, args) : null;
            case "getWarnings":
                return (this.physical != null) ? forward(method, args) : null;
            default:
                break;
        }
        checkOpen();
        if (name.startsWith("execute")) {
            return this.connection.execute(this, method, args);
        }
        if (StatementState.records(method)) {
            this.state.record(method, args);
            return (this.physical != null) ? forward(method, args) : null;
        }
        return (this.physical != null) ? forward(method, args) : unattached(method);
    }

    /** What one execution does to the write turn: judged from its SQL, erring towards {@code WRITE}. */
    SqlStatementKind kindOf(Method method, @Nullable Object[] args) {
        String name = method.getName();
        if (name.endsWith("Batch")) {
            return SqlStatementKind.WRITE;
        }
        SqlStatementKind kind = (args != null && args.length > 0 && args[0] instanceof String text)
                ? SqlStatementKind.of(text)
                : this.preparedKind;
        if (kind == null) {
            return SqlStatementKind.WRITE;
        }
        // executeUpdate(String) runs every statement of a script: judge it by what it is for.
        return (kind == SqlStatementKind.READ && name.endsWith("Update")) ? SqlStatementKind.WRITE : kind;
    }

    @Nullable
    String sqlOf(@Nullable Object[] args) {
        return (args != null && args.length > 0 && args[0] instanceof String text) ? text : this.sql;
    }

    /** Make a physical statement on the binding's connection, unless this one is already there. */
    void attach(Binding target) throws SQLException {
        if (this.binding == target) {
            return;
        }
        detach();
        Statement created = (Statement) call(target.physical(), this.factory, this.factoryArgs);
        if (created == null) {
            throw new SQLException("The driver's " + this.factory.getName() + " returned no statement");
        }
        try {
            this.state.replayOn(created);
        } catch (SQLException | RuntimeException ex) {
            created.close();
            throw ex;
        }
        this.physical = created;
        this.binding = target;
        this.updateCount = -1;
        this.keys = null;
        target.attached(this);
    }

    /** Close the physical statement and its result sets; the logical statement stays usable. */
    void detach() {
        Statement attached = this.physical;
        Binding from = this.binding;
        if (attached == null || from == null) {
            return;
        }
        closeResults();
        this.physical = null;
        this.binding = null;
        this.current = null;
        from.detached(this);
        try {
            attached.close();
        } catch (SQLException ex) {
            // Closing only finalizes the driver's statement.
        }
    }

    /** Run one execution on the attached physical statement. */
    @Nullable
    Object run(Method method, @Nullable Object[] args) throws Throwable {
        closeResults();
        try {
            Object result = forward(method, args);
            return (result instanceof ResultSet rs) ? opened(rs).proxy() : result;
        } finally {
            if (method.getName().endsWith("Batch")) {
                this.state.clearBatch();
            }
        }
    }

    /**
     * Keep what a caller may still ask of an auto-commit write (its update count, the keys it generated) and
     * leave the write lease's connection.
     */
    void keepResultsAndDetach(Method method, @Nullable Object[] args, @Nullable Object result) throws SQLException {
        Statement attached = this.physical;
        if (attached == null) {
            return;
        }
        long count = (result instanceof Number number) ? number.longValue() : updateCountOf(attached);
        ResultSet generated = keysRequested(method, args) ? materialize(attached.getGeneratedKeys()) : null;
        detach();
        this.updateCount = count;
        this.keys = generated;
    }

    /** sqlite-jdbc throws a NullPointerException here once a plain statement's SQL has finished. */
    private static long updateCountOf(Statement attached) {
        try {
            return attached.getLargeUpdateCount();
        } catch (SQLException | RuntimeException ex) {
            return -1;
        }
    }

    boolean hasOpenResults() {
        for (RoutedResultSet result : this.results) {
            if (result.isOpen()) {
                return true;
            }
        }
        return false;
    }

    void resultClosed(RoutedResultSet result) {
        this.results.remove(result);
        if (this.current == result) {
            this.current = null;
        }
    }

    /** The connection closes its statements: JDBC closes a statement's result sets with it. */
    void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        detach();
        this.connection.forget(this);
    }

    private RoutedResultSet opened(ResultSet rs) {
        Binding on = this.binding;
        if (on == null) {
            throw new IllegalStateException("A result set was opened on a statement attached to no connection");
        }
        RoutedResultSet opened = RoutedResultSet.open(rs, on, this, this.connection);
        this.results.add(opened);
        this.current = opened;
        return opened;
    }

    private @Nullable Object currentResult() throws SQLException {
        if (this.current != null && this.current.isOpen()) {
            return this.current.proxy();
        }
        ResultSet rs = requirePhysical().getResultSet();
        return (rs != null) ? opened(rs).proxy() : null;
    }

    private @Nullable Object generatedKeys() throws Throwable {
        if (this.physical != null) {
            return opened(this.physical.getGeneratedKeys()).proxy();
        }
        return (this.keys != null) ? this.keys : materialize(null);
    }

    private @Nullable Object moreResults(Method method, @Nullable Object[] args) throws Throwable {
        if (this.physical == null) {
            this.updateCount = -1;
            return false;
        }
        boolean keepCurrent = args != null && args.length == 1 && (int) args[0] == Statement.KEEP_CURRENT_RESULT;
        if (!keepCurrent && this.current != null) {
            this.current.closeQuietly();
        }
        return forward(method, args);
    }

    private void closeResults() {
        for (RoutedResultSet result : new ArrayList<>(this.results)) {
            result.closeQuietly();
        }
        this.results.clear();
        this.current = null;
    }

    private boolean keysRequested(Method method, @Nullable Object[] args) {
        return asksForKeys(args)
                || (this.factory.getName().equals("prepareStatement") && asksForKeys(this.factoryArgs));
    }

    /** {@code (sql, RETURN_GENERATED_KEYS)}, {@code (sql, int[] columns)} or {@code (sql, String[] columns)}. */
    private static boolean asksForKeys(@Nullable Object[] args) {
        if (args == null || args.length != 2) {
            return false;
        }
        Object second = args[1];
        return (second instanceof Integer flag && flag == Statement.RETURN_GENERATED_KEYS)
                || second instanceof int[]
                || second instanceof String[];
    }

    private static CachedRowSet materialize(@Nullable ResultSet rs) throws SQLException {
        CachedRowSet copy = RowSetProvider.newFactory().createCachedRowSet();
        if (rs != null) {
            try (rs) {
                copy.populate(rs);
            }
        }
        return copy;
    }

    private @Nullable Object unattached(Method method) {
        String name = method.getName();
        int offset = this.factory.getName().equals("createStatement") ? 0 : 1;
        switch (name) {
            case "getResultSetType":
                return factoryInt(offset, ResultSet.TYPE_FORWARD_ONLY);
            case "getResultSetConcurrency":
                return factoryInt(offset + 1, ResultSet.CONCUR_READ_ONLY);
            case "getResultSetHoldability":
                return ResultSet.CLOSE_CURSORS_AT_COMMIT;
            case "isCloseOnCompletion":
                return this.state.isSet("closeOnCompletion");
            default:
                break;
        }
        String setter = "set" + name.substring(name.startsWith("is") ? 2 : 3);
        Object value = this.state.setting(setter);
        if (value != null) {
            return value;
        }
        if (name.equals("getFetchDirection")) {
            return ResultSet.FETCH_FORWARD;
        }
        Class<?> type = method.getReturnType();
        return (type == int.class) ? 0 : (type == long.class) ? 0L : (type == boolean.class) ? false : null;
    }

    private int factoryInt(int index, int fallback) {
        return (this.factoryArgs != null
                        && this.factoryArgs.length > index
                        && this.factoryArgs[index] instanceof Integer i)
                ? i
                : fallback;
    }

    private Statement requirePhysical() throws SQLException {
        if (this.physical == null) {
            throw new SQLException("This statement has no physical statement until it runs (the single writer routes"
                    + " each execution); unwrap it after executing it");
        }
        return this.physical;
    }

    private void checkOpen() throws SQLException {
        if (this.closed) {
            throw new SQLException("Statement is closed");
        }
    }

    private @Nullable Object forward(Method method, @Nullable Object[] args) throws SQLException {
        return call(requirePhysical(), method, args);
    }

    /** Call a method of a driver object, throwing what it threw rather than a reflection wrapper. */
    static @Nullable Object call(Object target, Method method, @Nullable Object[] args) throws SQLException {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException ex) {
            Throwable thrown = ex.getTargetException();
            if (thrown instanceof SQLException sql) {
                throw sql;
            }
            if (thrown instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (thrown instanceof Error error) {
                throw error;
            }
            throw new SQLException(thrown);
        } catch (IllegalAccessException ex) {
            throw new SQLException(ex);
        }
    }
}
