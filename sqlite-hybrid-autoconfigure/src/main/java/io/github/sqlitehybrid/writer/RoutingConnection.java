package io.github.sqlitehybrid.writer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The connection the single writer hands out: a logical connection that holds no physical connection of its own
 * and routes each transaction anew when it begins.
 *
 * <ul>
 *   <li>A read-only transaction ({@code setReadOnly(true)} before it begins, as Spring and Hibernate do for
 *       {@code @Transactional(readOnly = true)}) runs on a connection of the read pool, in a {@code BEGIN}
 *       transaction, and never takes the write turn.
 *   <li>Any other transaction takes the write turn when it begins ({@code setAutoCommit(false)}), before the
 *       application or a library can take a lock of its own inside it, then the write pool's connection, and
 *       begins with {@code BEGIN IMMEDIATE}. Commit, rollback or close gives both back.
 *   <li>Outside transactions, a statement that reads runs on the read pool; one that writes takes the turn for its
 *       execution (until its result set closes, for {@code INSERT ... RETURNING}); a {@code BEGIN} run as SQL holds
 *       it until {@code COMMIT} or {@code ROLLBACK}.
 * </ul>
 *
 * So a connection that outlives its transactions (Hibernate's, kept for a whole request with open-in-view) reads
 * and writes each on the right side, and a connection that is merely held holds nothing. Physical connections
 * stay in the driver's auto-commit mode; their transactions are begun and ended by statements, so that a failed
 * {@code COMMIT} is never followed by a {@code BEGIN} that could fail in its place.
 *
 * <p>This class is the connection's face and its routing; {@link TransactionControl} runs its transactions,
 * {@link HeldConnections} keeps the physical connections it holds, {@link ConnectionDefaults} answers for the
 * settings SQLite does not have. Like most JDBC connections it is meant for one thread at a time.
 */
final class RoutingConnection implements InvocationHandler {

    private static final Pattern LOCKING_BEGIN = Pattern.compile("(?is)\\s*BEGIN\\s+(IMMEDIATE|EXCLUSIVE)\\b.*");

    private static final Pattern SAVEPOINT = Pattern.compile("(?is)\\s*SAVEPOINT\\s+(\\S+?)\\s*;?\\s*");

    private static final Pattern RELEASE = Pattern.compile("(?is)\\s*RELEASE\\s+(?:SAVEPOINT\\s+)?(\\S+?)\\s*;?\\s*");

    private static final Pattern RETURNING = Pattern.compile("(?i)\\bRETURNING\\b");

    private final SingleWriter writer;

    private final HeldConnections held;

    private final TransactionControl transactions;

    private final ConnectionDefaults defaults = new ConnectionDefaults();

    private final Connection proxy;

    private final Set<RoutedStatement> statements = new LinkedHashSet<>();

    private boolean autoCommit;

    private boolean readOnly;

    private int isolation = Connection.TRANSACTION_SERIALIZABLE;

    private boolean closed;

    RoutingConnection(SingleWriter writer, DataSource readPool, boolean autoCommit) {
        this.writer = writer;
        this.held = new HeldConnections(writer, readPool, this);
        this.transactions = new TransactionControl(writer, this.held);
        this.autoCommit = autoCommit;
        this.proxy = (Connection) Proxy.newProxyInstance(
                RoutingConnection.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
    }

    Connection proxy() {
        return this.proxy;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        try {
            return dispatch(proxy, method, args);
        } catch (SQLException ex) {
            throw this.writer.translate(ex);
        }
    }

    private @Nullable Object dispatch(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Single-writer connection (" + describeState() + ")";
            case "close":
            case "abort":
                close();
                return null;
            case "isClosed":
                return this.closed;
            case "isValid":
                return isValid();
            default:
                checkOpen();
                return dispatchOpen(proxy, method, args);
        }
    }

    private @Nullable Object dispatchOpen(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "createStatement":
            case "prepareStatement":
            case "prepareCall":
                RoutedStatement statement = new RoutedStatement(this, method, args);
                this.statements.add(statement);
                return statement.proxy();
            case "getAutoCommit":
                return this.autoCommit;
            case "setAutoCommit":
                setAutoCommit((Boolean) args[0]);
                return null;
            case "commit":
                requireManualCommit();
                this.transactions.commit();
                return null;
            case "rollback":
                rollback((args == null || args.length == 0) ? null : (Savepoint) args[0]);
                return null;
            case "setSavepoint":
                String name = (args != null && args.length == 1) ? (String) args[0] : null;
                return this.transactions.setSavepoint(requireTransaction("setSavepoint"), name);
            case "releaseSavepoint":
                this.transactions.releaseSavepoint(requireTransaction("releaseSavepoint"), (Savepoint) args[0]);
                return null;
            default:
                return dispatchSetting(proxy, method, args);
        }
    }

    private @Nullable Object dispatchSetting(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "isReadOnly":
                return this.readOnly;
            case "setReadOnly":
                // Takes effect at the next transaction: that is when a transaction is routed.
                this.readOnly = (Boolean) args[0];
                return null;
            case "getTransactionIsolation":
                return this.isolation;
            case "setTransactionIsolation":
                setTransactionIsolation((Integer) args[0]);
                return null;
            case "getMetaData":
                return RoutedMetaData.of(this);
            case "unwrap":
                Class<?> type = (Class<?>) args[0];
                return type.isInstance(proxy)
                        ? proxy
                        : currentBinding().physical().unwrap(type);
            case "isWrapperFor":
                Class<?> wrapped = (Class<?>) args[0];
                return wrapped.isInstance(proxy) || currentBinding().physical().isWrapperFor(wrapped);
            default:
                return this.defaults.answer(proxy, method, args);
        }
    }

    // Statements

    /** Run one execution of a statement where it belongs now. */
    @Nullable
    Object execute(RoutedStatement statement, Method method, @Nullable Object[] args) throws Throwable {
        checkOpen();
        SqlStatementKind kind = statement.kindOf(method, args);
        RoutedTransaction current = this.transactions.current();
        if (current == null && !this.autoCommit) {
            // The next transaction after a commit begins with its first statement.
            current = beginTransaction();
        }
        if (current != null) {
            return inTransaction(current, statement, method, args, kind);
        }
        return switch (kind) {
            case READ, END -> onReads(statement, method, args);
            case BEGIN -> beginBySql(statement, method, args);
            case WRITE -> autoCommitWrite(statement, method, args);
        };
    }

    private @Nullable Object inTransaction(
            RoutedTransaction current,
            RoutedStatement statement,
            Method method,
            @Nullable Object[] args,
            SqlStatementKind kind)
            throws Throwable {
        current.checkUsable();
        // Spring publishes the name once the transaction has begun: the turn's holder and the long-read warning
        // give it.
        String published = current.nameOnce(TransactionSynchronizationManager.getCurrentTransactionName());
        if (published != null && current.isWrite()) {
            this.held.renameLease(published);
        }
        this.transactions.beginSqlite(current);
        if (kind == SqlStatementKind.END && this.transactions.endInGroup(current, statement.sqlOf(args))) {
            return PhysicalSql.noResult(method);
        }
        statement.attach(current.binding());
        Object result;
        try {
            result = statement.run(method, args);
        } catch (SQLException ex) {
            this.transactions.statementFailed(current, ex);
            throw ex;
        }
        current.ran(kind);
        if (endsTransaction(current, statement.sqlOf(args), kind)) {
            this.transactions.endedBySql(current);
            this.transactions.end(current, false);
        }
        return result;
    }

    private static boolean endsTransaction(RoutedTransaction current, @Nullable String sql, SqlStatementKind kind) {
        if (kind == SqlStatementKind.END) {
            return true;
        }
        String opening = current.openingSavepoint();
        if (opening == null || sql == null) {
            return false;
        }
        Matcher release = RELEASE.matcher(sql);
        return release.matches() && release.group(1).equalsIgnoreCase(opening);
    }

    private @Nullable Object onReads(RoutedStatement statement, Method method, @Nullable Object[] args)
            throws Throwable {
        statement.attach(this.held.reads());
        Object result = statement.run(method, args);
        this.held.readRan(statement.sqlOf(args));
        return result;
    }

    private @Nullable Object autoCommitWrite(RoutedStatement statement, Method method, @Nullable Object[] args)
            throws Throwable {
        String sql = statement.sqlOf(args);
        Binding binding = this.held.openWrite(PhysicalSql.describe(sql), sql, mayReturnRows(method, sql));
        Object result;
        try {
            statement.attach(binding);
            result = statement.run(method, args);
            if (!binding.hasOpenCursors()) {
                statement.keepResultsAndDetach(method, args, result);
            }
        } catch (Throwable ex) {
            this.held.openWriteFailed(ex);
            throw ex;
        }
        if (!binding.hasOpenCursors()) {
            // Returns once the statement is committed, alone or with the group it joined.
            this.held.finishOpenWrite();
        }
        return result;
    }

    private static boolean mayReturnRows(Method method, @Nullable String sql) {
        return method.getName().equals("executeQuery")
                || (method.getName().equals("execute")
                        && sql != null
                        && RETURNING.matcher(sql).find());
    }

    private @Nullable Object beginBySql(RoutedStatement statement, Method method, @Nullable Object[] args)
            throws Throwable {
        String sql = statement.sqlOf(args);
        String work = PhysicalSql.describe(sql);
        this.held.closeOpenWrite();
        Binding binding = this.held.lease(work);
        try {
            // SQLite's transaction becomes the application's: what a group left open on it is committed first.
            this.writer.commitOpenGroup();
            statement.attach(binding);
            Object result = (sql != null && LOCKING_BEGIN.matcher(sql).matches())
                    ? this.writer.lockingBegin(() -> statement.run(method, args))
                    : statement.run(method, args);
            Matcher savepoint = (sql != null) ? SAVEPOINT.matcher(sql) : null;
            String opening = (savepoint != null && savepoint.matches()) ? savepoint.group(1) : null;
            this.transactions.begunBySql(binding, opening, work);
            return result;
        } catch (Throwable ex) {
            binding.detachAll();
            this.held.leaveLease();
            throw ex;
        }
    }

    /** Give a statement a physical statement to describe itself (parameter or result metadata) before it runs. */
    void attachForDescription(RoutedStatement statement) throws SQLException {
        RoutedTransaction current = this.transactions.current();
        statement.attach((current != null && !current.isPaused()) ? current.binding() : this.held.reads());
    }

    /** A result set closed: an auto-commit write or the reads connection may have nothing left open. */
    void cursorClosed(Binding binding) {
        this.held.cursorClosed(binding);
    }

    /** A statement was closed. */
    void forget(RoutedStatement statement) {
        this.statements.remove(statement);
        this.held.releaseReadsIfIdle();
    }

    /** The binding metadata and unwrap reach: the transaction's, else the reads connection, kept until close. */
    Binding currentBinding() throws SQLException {
        RoutedTransaction current = this.transactions.current();
        return (current != null && !current.isPaused()) ? current.binding() : this.held.pinnedReads();
    }

    // Transactions

    private void setAutoCommit(boolean on) throws SQLException {
        if (on == this.autoCommit) {
            return;
        }
        RoutedTransaction current = this.transactions.current();
        if (on) {
            if (current != null && !current.isBySql()) {
                this.transactions.commit();
            }
            this.autoCommit = true;
            return;
        }
        this.held.closeOpenWrite();
        this.autoCommit = false;
        if (current != null) {
            current.adoptedByJdbc();
            return;
        }
        try {
            beginTransaction();
        } catch (SQLException | RuntimeException | Error ex) {
            this.autoCommit = true;
            throw ex;
        }
    }

    private RoutedTransaction beginTransaction() throws SQLException {
        TransactionExecution starting = TransactionNames.beginning();
        boolean readOnlyTransaction = this.readOnly || (starting != null && starting.isReadOnly());
        return this.transactions.begin(TransactionNames.current("a transaction"), readOnlyTransaction);
    }

    private void rollback(@Nullable Savepoint savepoint) throws SQLException {
        if (savepoint != null) {
            this.transactions.rollbackTo(requireTransaction("rollback"), savepoint);
            return;
        }
        requireManualCommit();
        this.transactions.rollback();
    }

    private void requireManualCommit() throws SQLException {
        if (this.autoCommit) {
            throw new SQLException("database in auto-commit mode");
        }
    }

    private RoutedTransaction requireTransaction(String operation) throws SQLException {
        if (this.autoCommit) {
            throw new SQLException(operation + " needs a transaction, but the connection is in auto-commit mode");
        }
        RoutedTransaction current = this.transactions.current();
        if (current == null) {
            current = beginTransaction();
        }
        current.checkUsable();
        return current;
    }

    private void setTransactionIsolation(int level) throws SQLException {
        switch (level) {
            case Connection.TRANSACTION_READ_UNCOMMITTED,
                    Connection.TRANSACTION_READ_COMMITTED,
                    Connection.TRANSACTION_REPEATABLE_READ,
                    Connection.TRANSACTION_SERIALIZABLE -> this.isolation = level;
            default -> throw new SQLException("Unsupported transaction isolation level: " + level);
        }
    }

    // Nested writes on the same thread (asked by the write lease)

    /**
     * Pause this connection's write transaction for a nested write transaction of the same thread.
     * @return {@code false} when it cannot be paused
     * @see TransactionControl#pauseForNestedWrite()
     */
    boolean pauseForNestedWrite() {
        return this.transactions.pauseForNestedWrite();
    }

    /**
     * Begin the paused transaction again, once the nested one has ended.
     * @see TransactionControl#resumeAfterNestedWrite()
     */
    void resumeAfterNestedWrite() {
        this.transactions.resumeAfterNestedWrite();
    }

    // Lifecycle

    private boolean isValid() throws SQLException {
        if (this.closed) {
            return false;
        }
        RoutedTransaction current = this.transactions.current();
        return (current != null) ? current.binding().physical().isValid(0) : this.held.isValid();
    }

    private void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        for (RoutedStatement statement : new ArrayList<>(this.statements)) {
            statement.close();
        }
        this.held.closeOpenWrite();
        RoutedTransaction current = this.transactions.current();
        if (current != null) {
            this.transactions.end(current, true);
        }
        this.held.closeAll();
    }

    private void checkOpen() throws SQLException {
        if (this.closed) {
            throw new SQLException("Connection is closed");
        }
    }

    private String describeState() {
        RoutedTransaction current = this.transactions.current();
        if (current == null) {
            return this.closed ? "closed" : "no transaction";
        }
        return (current.isWrite() ? "write" : "read-only") + " transaction " + current.name();
    }
}
