package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.writer.WriteTurn.Holder;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * A connection of the write pool that takes the write turn whenever it writes, and gives it back as soon as
 * it stops.
 *
 * <ul>
 *   <li>A transaction ({@code setAutoCommit(false)}) takes the turn, and begins with {@code BEGIN IMMEDIATE},
 *       so it can never fail to upgrade a read lock to a write lock. The turn is held until auto-commit is
 *       switched back on or the connection is closed: sqlite-jdbc begins again after each {@code commit()}
 *       while auto-commit stays off, so the write lock is held that long too.
 *   <li>In auto-commit mode, a statement that writes takes the turn while it executes; one that only reads
 *       does not. A {@code BEGIN} run as SQL takes it until {@code COMMIT} or {@code ROLLBACK}.
 *   <li>A connection that is merely held, or reads, never holds the turn.
 * </ul>
 */
final class TurnConnection implements InvocationHandler {

    private static final int SQL_SHOWN = 80;

    private static final Pattern LOCKING_BEGIN = Pattern.compile("(?is)\\s*BEGIN\\s+(IMMEDIATE|EXCLUSIVE)\\b.*");

    private final Connection target;

    private final SQLiteConnection sqlite;

    private final WriteTurn turn;

    private final Duration acquireTimeout;

    private final Connection proxy;

    private @Nullable Holder holder;

    private boolean autoCommit;

    private boolean transactionOpenedBySql;

    private TurnConnection(Connection target, WriteTurn turn, Duration acquireTimeout, @Nullable Holder holder)
            throws SQLException {
        this.target = target;
        this.turn = turn;
        this.acquireTimeout = acquireTimeout;
        this.holder = holder;
        this.autoCommit = target.getAutoCommit();
        // Every transaction on this connection starts by taking SQLite's write lock, which is free: the turn
        // guarantees that no other connection of this application writes meanwhile.
        this.sqlite = target.unwrap(SQLiteConnection.class);
        this.sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        this.proxy = (Connection)
                Proxy.newProxyInstance(TurnConnection.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
    }

    /**
     * Wrap a connection of the write pool.
     * @param target the pooled connection
     * @param turn the database's write turn
     * @param acquireTimeout the longest wait for the turn
     * @param holder the turn, when the caller already took it for a transaction
     * @return the wrapped connection
     */
    static Connection wrap(Connection target, WriteTurn turn, Duration acquireTimeout, @Nullable Holder holder)
            throws SQLException {
        return new TurnConnection(target, turn, acquireTimeout, holder).proxy;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Write-turn connection for " + this.target;
            case "setAutoCommit":
                setAutoCommit((Boolean) args[0]);
                return null;
            case "commit":
                endTransaction(method, args);
                return null;
            case "rollback":
                if (args == null || args.length == 0) {
                    endTransaction(method, args);
                    return null;
                }
                return invokeOn(this.target, method, args);
            case "close":
                try {
                    // The pool rolls back and resets the connection before it returns from close().
                    this.target.close();
                } finally {
                    releaseTurn();
                }
                return null;
            case "createStatement":
            case "prepareStatement":
            case "prepareCall":
                Statement statement = (Statement) invokeOn(this.target, method, args);
                String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : null;
                return StatementHandler.wrap(statement, sql, this);
            default:
                return invokeOn(this.target, method, args);
        }
    }

    private void setAutoCommit(boolean on) throws SQLException {
        if (!on && this.autoCommit && this.holder == null) {
            this.holder = this.turn.acquire(currentWork("an unnamed transaction"), this.acquireTimeout);
        }
        boolean begins = !on && this.sqlite.getAutoCommit();
        long start = System.nanoTime();
        try {
            this.target.setAutoCommit(on);
        } catch (SQLException | RuntimeException ex) {
            if (begins) {
                this.turn.recordLock(System.nanoTime() - start, false);
                // sqlite-jdbc marks the connection as in a transaction before its BEGIN runs; when BEGIN fails
                // (another process held the lock past busy_timeout), no transaction is open, and a pooled
                // connection left marked would run the next "transaction" statement by statement.
                this.sqlite.getConnectionConfig().setAutoCommit(true);
            }
            if (!on && this.autoCommit) {
                releaseTurn();
            }
            throw ex;
        }
        if (begins) {
            this.turn.recordLock(System.nanoTime() - start, true);
        }
        this.autoCommit = on;
        if (on && !this.transactionOpenedBySql) {
            releaseTurn();
        }
    }

    /**
     * Commit or roll back. sqlite-jdbc then begins the next transaction at once, in the configured mode; were
     * that a {@code BEGIN IMMEDIATE} that another process's lock made fail, a commit that succeeded would
     * report an error, and a retry would write twice. So the next transaction begins {@code DEFERRED}, which
     * takes no lock: Spring ends it straight away by switching auto-commit back on, and while this connection
     * keeps auto-commit off it still holds the write turn, so no writer of this application can come between.
     */
    private void endTransaction(Method method, @Nullable Object[] args) throws Throwable {
        SQLiteConfig.TransactionMode mode = this.sqlite.getConnectionConfig().getTransactionMode();
        this.sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        try {
            invokeOn(this.target, method, args);
        } finally {
            this.sqlite.getConnectionConfig().setTransactionMode(mode);
        }
    }

    /** Run one statement execution, holding the turn if the statement needs it. */
    @Nullable
    Object execute(@Nullable String sql, StatementCall call) throws Throwable {
        SqlStatementKind kind = (sql != null) ? SqlStatementKind.of(sql) : SqlStatementKind.WRITE;
        if (this.holder != null) {
            Object result = call.run();
            if (kind == SqlStatementKind.END && this.transactionOpenedBySql && this.autoCommit) {
                this.transactionOpenedBySql = false;
                releaseTurn();
            }
            return result;
        }
        if (this.autoCommit && (kind == SqlStatementKind.READ || kind == SqlStatementKind.END)) {
            return call.run();
        }
        this.holder = this.turn.acquire(currentWork(describe(sql)), this.acquireTimeout);
        boolean keep = false;
        try {
            Object result = (kind == SqlStatementKind.BEGIN
                            && LOCKING_BEGIN.matcher(sql).matches())
                    ? timedBegin(call)
                    : call.run();
            // A transaction opened by hand, or a connection handed out with auto-commit off, keeps the turn.
            keep = (kind == SqlStatementKind.BEGIN && this.autoCommit) || !this.autoCommit;
            this.transactionOpenedBySql = this.transactionOpenedBySql || (kind == SqlStatementKind.BEGIN);
            return result;
        } finally {
            if (!keep) {
                releaseTurn();
            }
        }
    }

    private @Nullable Object timedBegin(StatementCall call) throws Throwable {
        long start = System.nanoTime();
        boolean acquired = false;
        try {
            Object result = call.run();
            acquired = true;
            return result;
        } finally {
            this.turn.recordLock(System.nanoTime() - start, acquired);
        }
    }

    Connection proxy() {
        return this.proxy;
    }

    private void releaseTurn() {
        Holder held = this.holder;
        if (held != null) {
            this.holder = null;
            this.transactionOpenedBySql = false;
            this.turn.release(held);
        }
    }

    /** Call the method on the object behind a proxy, throwing what it threw rather than a reflection wrapper. */
    private static @Nullable Object invokeOn(Object target, Method method, @Nullable Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException ex) {
            throw ex.getTargetException();
        }
    }

    private static String currentWork(String fallback) {
        String transaction = TransactionSynchronizationManager.getCurrentTransactionName();
        return (transaction != null) ? transaction : fallback;
    }

    private static String describe(@Nullable String sql) {
        if (sql == null) {
            return "a batch";
        }
        String line = sql.strip().replaceAll("\\s+", " ");
        return "'" + ((line.length() > SQL_SHOWN) ? line.substring(0, SQL_SHOWN) + "..." : line) + "'";
    }

    /** One execution of a statement. */
    @FunctionalInterface
    interface StatementCall {

        @Nullable
        Object run() throws Throwable;
    }

    /** Routes a statement's executions through {@link TurnConnection#execute}. */
    private static final class StatementHandler implements InvocationHandler {

        private final Statement target;

        private final @Nullable String preparedSql;

        private final TurnConnection connection;

        private StatementHandler(Statement target, @Nullable String preparedSql, TurnConnection connection) {
            this.target = target;
            this.preparedSql = preparedSql;
            this.connection = connection;
        }

        static Statement wrap(Statement target, @Nullable String preparedSql, TurnConnection connection) {
            Class<?> type = (target instanceof CallableStatement)
                    ? CallableStatement.class
                    : (target instanceof PreparedStatement) ? PreparedStatement.class : Statement.class;
            return (Statement) Proxy.newProxyInstance(
                    TurnConnection.class.getClassLoader(),
                    new Class<?>[] {type},
                    new StatementHandler(target, preparedSql, connection));
        }

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "getConnection":
                    return this.connection.proxy();
                case "execute":
                case "executeQuery":
                case "executeUpdate":
                case "executeLargeUpdate":
                    String sql = (args != null && args.length > 0 && args[0] instanceof String text)
                            ? text
                            : this.preparedSql;
                    return this.connection.execute(sql, () -> invokeOn(this.target, method, args));
                case "executeBatch":
                case "executeLargeBatch":
                    return this.connection.execute(null, () -> invokeOn(this.target, method, args));
                default:
                    return invokeOn(this.target, method, args);
            }
        }
    }
}
