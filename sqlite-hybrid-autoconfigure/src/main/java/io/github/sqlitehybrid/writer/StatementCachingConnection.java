package io.github.sqlitehybrid.writer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConnection;

/**
 * The connection that units see: the writer's connection, whose {@code prepareStatement(sql)} hands out a
 * kept-open statement for SQL it has seen before, and which refuses to end the writer's transaction.
 *
 * <p>Preparing a statement costs about as much as running a small one; a unit of one INSERT prepares one
 * statement, so reusing them roughly halves the writer's work per unit. Statements are kept by SQL text in a
 * least-recently-used map; closing a handle only clears its parameters. A statement still in use when the
 * same SQL is prepared again (a query run inside another's row callback) gets a fresh, uncached statement.
 *
 * <p>sqlite-jdbc, while generated keys are on (its default), matches every executed statement's SQL against a
 * regular expression and follows each INSERT with a freshly parsed {@code SELECT last_insert_rowid()}: about
 * a third of the writer's time on single-row inserts. The writer turns them off on its connection, and this
 * connection turns them back on while a statement that asked for keys as JDBC says
 * ({@code prepareStatement(sql, RETURN_GENERATED_KEYS)}, or with key columns, as Spring's {@code KeyHolder}
 * does) is open, if the connection had them on to begin with.
 *
 * <p>Used by the writer's thread only, so nothing here is synchronized.
 */
final class StatementCachingConnection implements InvocationHandler {

    private static final Log logger = LogFactory.getLog(StatementCachingConnection.class);

    /** Methods that would end or reshape the writer's transaction; the writer alone does that. */
    private static final Set<String> REFUSED = Set.of(
            "commit",
            "rollback",
            "setAutoCommit",
            "setSavepoint",
            "releaseSavepoint",
            "abort",
            "setTransactionIsolation");

    private final SQLiteConnection target;

    private final int capacity;

    private final boolean generatedKeys;

    private int keyStatementsOpen;

    private final Map<String, CachedStatement> statements;

    private final Connection proxy;

    private long hits;

    private long misses;

    /**
     * Create a new instance.
     * @param target the writer's physical connection, with generated keys turned off
     * @param capacity statements kept open; 0 turns reuse off
     * @param generatedKeys whether statements that ask for generated keys get them
     */
    StatementCachingConnection(SQLiteConnection target, int capacity, boolean generatedKeys) {
        this.target = target;
        this.capacity = capacity;
        this.generatedKeys = generatedKeys;
        this.statements = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CachedStatement> eldest) {
                if (size() <= StatementCachingConnection.this.capacity) {
                    return false;
                }
                eldest.getValue().evict();
                return true;
            }
        };
        this.proxy = (Connection) Proxy.newProxyInstance(
                StatementCachingConnection.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
    }

    /**
     * The connection to hand to units.
     * @return a proxy over the writer's connection
     */
    Connection connection() {
        return this.proxy;
    }

    /**
     * Times a prepared statement was reused.
     * @return the hit count
     */
    long hits() {
        return this.hits;
    }

    /**
     * Times a statement had to be prepared.
     * @return the miss count
     */
    long misses() {
        return this.misses;
    }

    /**
     * Close every kept statement, before the writer closes its connection.
     */
    void closeAll() {
        List<CachedStatement> open = new ArrayList<>(this.statements.values());
        this.statements.clear();
        for (CachedStatement statement : open) {
            statement.evict();
        }
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        String name = method.getName();
        int arity = (args != null) ? args.length : 0;
        if (name.equals("prepareStatement") && arity == 1 && this.capacity > 0) {
            return prepare((String) args[0]);
        }
        if (name.equals("prepareStatement") && arity == 2 && asksForKeys(args[1]) && this.generatedKeys) {
            return new KeyStatement(Objects.requireNonNull((PreparedStatement) invokeOn(this.target, method, args)))
                    .handle;
        }
        switch (name) {
            case "close":
                // The writer owns the connection; a unit's JdbcTemplate or a stray close() must not end it.
                return null;
            case "getAutoCommit":
                return false;
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Group commit connection [" + this.target + "]";
            default:
                break;
        }
        if (REFUSED.contains(name)) {
            throw new SQLException("Connection." + name + "() is not allowed inside a group commit unit: the writer"
                    + " begins and commits the transaction, and undoes a failing unit through its own savepoint"
                    + " (a unit may still run SQL SAVEPOINT statements)");
        }
        return invokeOn(this.target, method, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        CachedStatement cached = this.statements.get(sql);
        if (cached != null && !cached.inUse) {
            this.hits++;
            cached.inUse = true;
            return cached.handle;
        }
        this.misses++;
        if (cached != null) {
            // In use by an outer call with the same SQL: this one gets its own statement, closed after use.
            return this.target.prepareStatement(sql);
        }
        CachedStatement created = new CachedStatement(this.target.prepareStatement(sql));
        created.inUse = true;
        this.statements.put(sql, created);
        return created.handle;
    }

    private static boolean asksForKeys(@Nullable Object keys) {
        return (keys instanceof Integer flag)
                ? flag == Statement.RETURN_GENERATED_KEYS
                : (keys instanceof int[] || keys instanceof String[]);
    }

    private static @Nullable Object invokeOn(Object target, Method method, @Nullable Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException ex) {
            throw ex.getTargetException();
        }
    }

    /** A statement that asked for generated keys: keys are on for the connection while it is open. */
    private final class KeyStatement implements InvocationHandler {

        private final PreparedStatement target;

        private final PreparedStatement handle;

        private boolean open = true;

        KeyStatement(PreparedStatement target) {
            this.target = target;
            this.handle = (PreparedStatement) Proxy.newProxyInstance(
                    StatementCachingConnection.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, this);
            if (StatementCachingConnection.this.keyStatementsOpen++ == 0) {
                StatementCachingConnection.this.target.getConnectionConfig().setGetGeneratedKeys(true);
            }
        }

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    if (this.open) {
                        this.open = false;
                        if (--StatementCachingConnection.this.keyStatementsOpen == 0) {
                            StatementCachingConnection.this
                                    .target
                                    .getConnectionConfig()
                                    .setGetGeneratedKeys(false);
                        }
                    }
                    this.target.close();
                    return null;
                case "getConnection":
                    return StatementCachingConnection.this.proxy;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "Key statement [" + this.target + "]";
                default:
                    return invokeOn(this.target, method, args);
            }
        }
    }

    /** One kept statement and the handle units get for it; {@code close()} on the handle returns it. */
    private final class CachedStatement implements InvocationHandler {

        private final PreparedStatement target;

        private final PreparedStatement handle;

        private boolean inUse;

        private boolean evicted;

        private boolean batched;

        CachedStatement(PreparedStatement target) {
            this.target = target;
            this.handle = (PreparedStatement) Proxy.newProxyInstance(
                    StatementCachingConnection.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, this);
        }

        void evict() {
            this.evicted = true;
            if (!this.inUse) {
                closeQuietly();
            }
        }

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    release();
                    return null;
                case "isClosed":
                    return !this.inUse || this.target.isClosed();
                case "getConnection":
                    return StatementCachingConnection.this.proxy;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "Cached statement [" + this.target + "]";
                case "addBatch":
                    this.batched = true;
                    break;
                default:
                    break;
            }
            if (!this.inUse) {
                throw new SQLException("Statement is closed");
            }
            return invokeOn(this.target, method, args);
        }

        private void release() throws SQLException {
            if (!this.inUse) {
                return;
            }
            this.inUse = false;
            if (this.evicted) {
                closeQuietly();
                return;
            }
            // A later unit that forgets a parameter must see NULL, not this unit's value.
            this.target.clearParameters();
            if (this.batched) {
                this.target.clearBatch();
                this.batched = false;
            }
        }

        private void closeQuietly() {
            try {
                this.target.close();
            } catch (SQLException ex) {
                logger.debug("Could not close a cached statement", ex);
            }
        }
    }
}
