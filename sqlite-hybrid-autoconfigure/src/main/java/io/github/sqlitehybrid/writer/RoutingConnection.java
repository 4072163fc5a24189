package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.writer.Binding.Purpose;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

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
 * <p>Like most JDBC connections it is meant for one thread at a time.
 */
final class RoutingConnection implements InvocationHandler {

    private static final int SQL_SHOWN = 80;

    private static final Pattern LOCKING_BEGIN = Pattern.compile("(?is)\\s*BEGIN\\s+(IMMEDIATE|EXCLUSIVE)\\b.*");

    private static final Pattern SAVEPOINT = Pattern.compile("(?is)\\s*SAVEPOINT\\s+(\\S+?)\\s*;?\\s*");

    private static final Pattern RELEASE = Pattern.compile("(?is)\\s*RELEASE\\s+(?:SAVEPOINT\\s+)?(\\S+?)\\s*;?\\s*");

    private final SingleWriter writer;

    private final DataSource readPool;

    private final Connection proxy;

    private final Set<RoutedStatement> statements = new LinkedHashSet<>();

    private boolean autoCommit;

    private boolean readOnly;

    private int isolation = Connection.TRANSACTION_SERIALIZABLE;

    private Map<String, Class<?>> typeMap = new HashMap<>();

    private boolean closed;

    private int savepointCounter;

    private @Nullable RoutedTransaction transaction;

    /** An auto-commit write whose result set is still open: it keeps the write lease until that closes. */
    private @Nullable Binding openWrite;

    /** The read pool's connection for reads outside transactions, while statements or result sets are on it. */
    private @Nullable Binding reads;

    /** Metadata or unwrap were asked for outside a transaction: the reads connection stays until close. */
    private boolean readsPinned;

    /** The lease this connection owns, for its transaction or its open auto-commit write. */
    private @Nullable WriteLease lease;

    RoutingConnection(SingleWriter writer, DataSource readPool, boolean autoCommit) {
        this.writer = writer;
        this.readPool = readPool;
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
        String name = method.getName();
        switch (name) {
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
                break;
        }
        checkOpen();
        switch (name) {
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
                commit();
                return null;
            case "rollback":
                if (args == null || args.length == 0) {
                    rollback();
                } else {
                    rollbackTo((Savepoint) args[0]);
                }
                return null;
            case "setSavepoint":
                return setSavepoint((args != null && args.length == 1) ? (String) args[0] : null);
            case "releaseSavepoint":
                releaseSavepoint((Savepoint) args[0]);
                return null;
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
                return driverLikeDefault(proxy, method, args);
        }
    }

    /** What sqlite-jdbc answers for the settings a SQLite connection does not really have. */
    private @Nullable Object driverLikeDefault(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "nativeSQL":
                return args[0];
            case "getHoldability":
                return ResultSet.CLOSE_CURSORS_AT_COMMIT;
            case "setHoldability":
                if ((Integer) args[0] != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
                    throw new SQLException("SQLite only supports CLOSE_CURSORS_AT_COMMIT");
                }
                return null;
            case "getTypeMap":
                return this.typeMap;
            case "setTypeMap":
                @SuppressWarnings("unchecked")
                Map<String, Class<?>> map = (Map<String, Class<?>>) args[0];
                this.typeMap = map;
                return null;
            case "getClientInfo":
                return (args == null || args.length == 0) ? new Properties() : null;
            case "getNetworkTimeout":
                return 0;
            case "getWarnings":
            case "getCatalog":
            case "getSchema":
            case "clearWarnings":
            case "setCatalog":
            case "setSchema":
            case "setClientInfo":
            case "setNetworkTimeout":
                return null;
            default:
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                throw new SQLFeatureNotSupportedException(method.getName() + " is not supported by SQLite");
        }
    }

    // Statements

    /** Run one execution of a statement where it belongs now. */
    @Nullable
    Object execute(RoutedStatement statement, Method method, @Nullable Object[] args) throws Throwable {
        checkOpen();
        SqlStatementKind kind = statement.kindOf(method, args);
        if (this.transaction == null && !this.autoCommit) {
            // The next transaction after a commit begins with its first statement.
            this.transaction = begin(TransactionNames.current("a transaction"));
        }
        RoutedTransaction current = this.transaction;
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
        if (current.isWrite() && this.lease != null) {
            String published = current.nameOnce(TransactionSynchronizationManager.getCurrentTransactionName());
            if (published != null) {
                this.lease.rename(published);
            }
        }
        beginSqliteTransaction(current);
        statement.attach(current.binding());
        Object result;
        try {
            result = statement.run(method, args);
        } catch (SQLException ex) {
            if (current.isWrite() && !sqliteInTransaction(current.binding())) {
                // SQLite ended the transaction itself (a full disk, an I/O error, ON CONFLICT ROLLBACK, ...):
                // nothing more may run in it, or it would run outside any transaction.
                current.failed(ex);
                if (current.isBySql()) {
                    endTransaction(current, false);
                }
            }
            throw ex;
        }
        current.ran(kind);
        if (endsTransaction(current, statement.sqlOf(args), kind)) {
            endTransaction(current, false);
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
        statement.attach(reads());
        return statement.run(method, args);
    }

    private @Nullable Object autoCommitWrite(RoutedStatement statement, Method method, @Nullable Object[] args)
            throws Throwable {
        Binding binding = this.openWrite;
        if (binding == null) {
            binding = leaseBinding(describe(statement.sqlOf(args)));
            this.openWrite = binding;
        }
        try {
            statement.attach(binding);
            Object result = statement.run(method, args);
            if (!binding.hasOpenCursors()) {
                statement.keepResultsAndDetach(method, args, result);
            }
            return result;
        } finally {
            if (!binding.hasOpenCursors()) {
                closeOpenWrite();
            }
        }
    }

    private @Nullable Object beginBySql(RoutedStatement statement, Method method, @Nullable Object[] args)
            throws Throwable {
        String sql = statement.sqlOf(args);
        String work = describe(sql);
        closeOpenWrite();
        Binding binding = leaseBinding(work);
        try {
            statement.attach(binding);
            Object result = (sql != null && LOCKING_BEGIN.matcher(sql).matches())
                    ? timedBegin(() -> statement.run(method, args))
                    : statement.run(method, args);
            Matcher savepoint = (sql != null) ? SAVEPOINT.matcher(sql) : null;
            String opening = (savepoint != null && savepoint.matches()) ? savepoint.group(1) : null;
            this.transaction = new RoutedTransaction(binding, true, true, opening, work, true);
            return result;
        } catch (Throwable ex) {
            binding.detachAll();
            leaveLease();
            throw ex;
        }
    }

    /** Give a statement a physical statement to describe itself (parameter or result metadata) before it runs. */
    void attachForDescription(RoutedStatement statement) throws SQLException {
        RoutedTransaction current = this.transaction;
        statement.attach((current != null && !current.isPaused()) ? current.binding() : reads());
    }

    /** A result set closed: an auto-commit write or the reads connection may have nothing left open. */
    void cursorClosed(Binding binding) {
        if (binding == this.openWrite && !binding.hasOpenCursors()) {
            closeOpenWrite();
        } else if (binding == this.reads) {
            releaseReadsIfIdle();
        }
    }

    /** A statement was closed. */
    void forget(RoutedStatement statement) {
        this.statements.remove(statement);
        releaseReadsIfIdle();
    }

    // Transactions

    private void setAutoCommit(boolean on) throws SQLException {
        if (on == this.autoCommit) {
            return;
        }
        if (on) {
            RoutedTransaction current = this.transaction;
            if (current != null && !current.isBySql()) {
                commit();
            }
            this.autoCommit = true;
            return;
        }
        closeOpenWrite();
        this.autoCommit = false;
        if (this.transaction != null) {
            this.transaction.adoptedByJdbc();
            return;
        }
        try {
            this.transaction = begin(TransactionNames.current("a transaction"));
        } catch (SQLException | RuntimeException | Error ex) {
            this.autoCommit = true;
            throw ex;
        }
    }

    /** Route a transaction: the read pool when read-only, else the write turn and the write pool's connection. */
    private RoutedTransaction begin(String name) throws SQLException {
        TransactionExecution starting = TransactionNames.beginning();
        if (this.readOnly || (starting != null && starting.isReadOnly())) {
            Connection physical = this.readPool.getConnection();
            try {
                run(physical, "BEGIN");
            } catch (SQLException | RuntimeException ex) {
                closeQuietly(physical);
                throw ex;
            }
            return new RoutedTransaction(
                    new Binding(physical, Purpose.READ_ONLY_TRANSACTION), false, false, null, name, true);
        }
        return new RoutedTransaction(leaseBinding(name), true, false, null, name, false);
    }

    /**
     * {@code BEGIN IMMEDIATE} for a write transaction's first statement: the turn is the application's own lock,
     * taken when the transaction began; SQLite's lock guards against other processes, and waiting for it, or
     * failing to get it past {@code busy_timeout}, belongs to a statement, as on plain SQLite.
     */
    private void beginSqliteTransaction(RoutedTransaction current) throws SQLException {
        if (current.isBegun()) {
            return;
        }
        try {
            timedBegin(() -> {
                run(current.binding().physical(), "BEGIN IMMEDIATE");
                return null;
            });
        } catch (SQLException | RuntimeException | Error ex) {
            throw ex;
        } catch (Throwable ex) {
            throw new SQLException(ex);
        }
        current.begun();
    }

    private void commit() throws SQLException {
        if (this.autoCommit) {
            throw new SQLException("database in auto-commit mode");
        }
        RoutedTransaction current = this.transaction;
        if (current == null) {
            return;
        }
        current.checkUsable();
        current.binding().detachAll();
        if (!current.isBegun()) {
            endTransaction(current, false);
            return;
        }
        try {
            run(current.binding().physical(), "COMMIT");
        } catch (SQLException ex) {
            // A COMMIT refused (a deferred foreign key, another process's lock) leaves the transaction open to a
            // rollback; one that SQLite answered by rolling back has nothing left to end.
            if (!current.isWrite() || !sqliteInTransaction(current.binding())) {
                endTransaction(current, false);
            }
            throw ex;
        }
        endTransaction(current, false);
    }

    private void rollback() throws SQLException {
        if (this.autoCommit) {
            throw new SQLException("database in auto-commit mode");
        }
        RoutedTransaction current = this.transaction;
        if (current != null) {
            endTransaction(current, true);
        }
    }

    /** End the transaction and give its connection back; with {@code rollBack}, roll it back first. */
    private void endTransaction(RoutedTransaction ended, boolean rollBack) {
        this.transaction = null;
        ended.binding().detachAll();
        if (rollBack && ended.isBegun() && !ended.isPaused()) {
            try {
                run(ended.binding().physical(), "ROLLBACK");
            } catch (SQLException ex) {
                // "no transaction is active": SQLite had already rolled it back.
            }
        }
        if (ended.isWrite()) {
            leaveLease();
        } else {
            closeQuietly(ended.binding().physical());
        }
    }

    private Savepoint setSavepoint(@Nullable String name) throws SQLException {
        RoutedTransaction current = requireTransaction("setSavepoint");
        beginSqliteTransaction(current);
        String id = "sqlite_hybrid_sp_" + (++this.savepointCounter);
        run(current.binding().physical(), "SAVEPOINT " + id);
        current.savepoints().add(id);
        return new RoutedSavepoint(this.savepointCounter, name, id);
    }

    private void rollbackTo(Savepoint savepoint) throws SQLException {
        RoutedTransaction current = requireTransaction("rollback");
        String id = idOf(current, savepoint);
        run(current.binding().physical(), "ROLLBACK TO " + id);
        // Rolling back to a savepoint keeps it and drops the ones made after it.
        current.savepoints()
                .subList(
                        current.savepoints().indexOf(id) + 1,
                        current.savepoints().size())
                .clear();
    }

    private void releaseSavepoint(Savepoint savepoint) throws SQLException {
        RoutedTransaction current = requireTransaction("releaseSavepoint");
        String id = idOf(current, savepoint);
        run(current.binding().physical(), "RELEASE " + id);
        current.savepoints()
                .subList(current.savepoints().indexOf(id), current.savepoints().size())
                .clear();
    }

    private RoutedTransaction requireTransaction(String operation) throws SQLException {
        if (this.autoCommit) {
            throw new SQLException(operation + " needs a transaction, but the connection is in auto-commit mode");
        }
        if (this.transaction == null) {
            this.transaction = begin(TransactionNames.current("a transaction"));
        }
        this.transaction.checkUsable();
        return this.transaction;
    }

    private static String idOf(RoutedTransaction current, Savepoint savepoint) throws SQLException {
        if (savepoint instanceof RoutedSavepoint routed && current.savepoints().contains(routed.id())) {
            return routed.id();
        }
        throw new SQLException("Savepoint " + savepoint + " is not in force in this transaction");
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

    // Nested writes on the same thread (called by the write lease)

    /**
     * Pause this connection's write transaction so that a nested write transaction of the same thread can run on
     * the write lease's connection: possible while it has only read, by committing what it read (nothing) and
     * beginning again when the nested one ends.
     * @return {@code false} when it cannot be paused (it wrote, holds savepoints or open result sets)
     */
    boolean pauseForNestedWrite() {
        RoutedTransaction current = this.transaction;
        if (current == null || this.openWrite != null || !current.canPause()) {
            return false;
        }
        if (!current.isBegun()) {
            // Nothing ran yet, so nothing was read: nothing to commit now, nothing to check later.
            current.paused(0, false);
            return true;
        }
        Connection physical = current.binding().physical();
        try {
            long version = dataVersion(physical);
            run(physical, "COMMIT");
            current.paused(version, true);
            return true;
        } catch (SQLException ex) {
            return false;
        }
    }

    /**
     * Begin the paused transaction again. If another connection wrote to the database meanwhile, what it read may
     * be stale: it fails at its next statement with {@code SQLITE_BUSY_SNAPSHOT}, a lock error that
     * {@code @DbRetry} retries, as the same transaction would without the single writer.
     */
    void resumeAfterNestedWrite() {
        RoutedTransaction current = this.transaction;
        if (current == null || !current.isPaused()) {
            return;
        }
        current.resumed();
        if (!current.isBegun()) {
            return;
        }
        Connection physical = current.binding().physical();
        try {
            timedBegin(() -> {
                run(physical, "BEGIN IMMEDIATE");
                return null;
            });
            if (dataVersion(physical) != current.dataVersion()) {
                current.failed(this.writer.translate(new SQLiteException(
                        "[SQLITE_BUSY_SNAPSHOT] Another connection wrote to "
                                + this.writer.turn().database()
                                + " while " + current.name() + " was paused for a nested write transaction of its"
                                + " own thread; what it read may be stale, so it must run again",
                        SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT)));
            }
        } catch (Throwable ex) {
            current.failed((ex instanceof SQLException sql) ? sql : new SQLException(ex));
        }
    }

    // Bindings

    private Binding leaseBinding(String work) throws SQLException {
        // Nothing of the read pool is held while waiting for the turn, unless a result set is still open on it.
        if (this.reads != null) {
            this.reads.detachIdle();
            releaseReadsIfIdle();
        }
        WriteLease joined = this.writer.lease(this, work);
        this.lease = joined;
        return new Binding(joined.physical(), Purpose.WRITE);
    }

    private void leaveLease() {
        WriteLease held = this.lease;
        if (held != null) {
            this.lease = null;
            held.leave(this);
        }
    }

    private void closeOpenWrite() {
        Binding binding = this.openWrite;
        if (binding != null) {
            this.openWrite = null;
            binding.detachAll();
            leaveLease();
        }
    }

    private Binding reads() throws SQLException {
        if (this.reads == null) {
            this.reads = new Binding(this.readPool.getConnection(), Purpose.READS);
        }
        return this.reads;
    }

    private void releaseReadsIfIdle() {
        Binding binding = this.reads;
        if (binding != null && !this.readsPinned && binding.isIdle()) {
            this.reads = null;
            closeQuietly(binding.physical());
        }
    }

    /** The binding metadata and unwrap reach: the transaction's, else the reads connection, kept until close. */
    Binding currentBinding() throws SQLException {
        RoutedTransaction current = this.transaction;
        if (current != null && !current.isPaused()) {
            return current.binding();
        }
        this.readsPinned = true;
        return reads();
    }

    private boolean isValid() throws SQLException {
        if (this.closed) {
            return false;
        }
        RoutedTransaction current = this.transaction;
        if (current != null) {
            return current.binding().physical().isValid(0);
        }
        try (Connection physical = this.readPool.getConnection()) {
            return physical.isValid(0);
        }
    }

    private void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        for (RoutedStatement statement : new ArrayList<>(this.statements)) {
            statement.close();
        }
        closeOpenWrite();
        RoutedTransaction current = this.transaction;
        if (current != null) {
            endTransaction(current, true);
        }
        Binding binding = this.reads;
        if (binding != null) {
            this.reads = null;
            binding.detachAll();
            closeQuietly(binding.physical());
        }
    }

    private void checkOpen() throws SQLException {
        if (this.closed) {
            throw new SQLException("Connection is closed");
        }
    }

    private <T> T timedBegin(StatementCall<T> begin) throws Throwable {
        long start = System.nanoTime();
        boolean acquired = false;
        try {
            T result = begin.run();
            acquired = true;
            return result;
        } finally {
            this.writer.turn().recordLock(System.nanoTime() - start, acquired);
        }
    }

    /** Whether SQLite has a transaction open on the connection: only outside one does a {@code BEGIN} succeed. */
    private static boolean sqliteInTransaction(Binding binding) {
        try (Statement probe = binding.physical().createStatement()) {
            probe.execute("BEGIN");
            probe.execute("ROLLBACK");
            return false;
        } catch (SQLException ex) {
            return true;
        }
    }

    private static long dataVersion(Connection physical) throws SQLException {
        try (Statement statement = physical.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void run(Connection physical, String sql) throws SQLException {
        try (Statement statement = physical.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void closeQuietly(Connection physical) {
        try {
            physical.close();
        } catch (SQLException ex) {
            // The pool discards a connection it cannot reset.
        }
    }

    private static String describe(@Nullable String sql) {
        if (sql == null) {
            return "a batch";
        }
        String line = sql.strip().replaceAll("\\s+", " ");
        return "'" + ((line.length() > SQL_SHOWN) ? line.substring(0, SQL_SHOWN) + "..." : line) + "'";
    }

    private String describeState() {
        RoutedTransaction current = this.transaction;
        if (current == null) {
            return this.closed ? "closed" : "no transaction";
        }
        return (current.isWrite() ? "write" : "read-only") + " transaction " + current.name();
    }

    /** A step that may throw anything a statement throws. */
    @FunctionalInterface
    interface StatementCall<T> {

        @Nullable
        T run() throws Throwable;
    }

    /** A JDBC savepoint, named in SQL by an id of the connection's own. */
    private record RoutedSavepoint(int number, @Nullable String name, String id) implements Savepoint {

        @Override
        public int getSavepointId() throws SQLException {
            if (this.name != null) {
                throw new SQLException("A named savepoint has no id");
            }
            return this.number;
        }

        @Override
        public String getSavepointName() throws SQLException {
            if (this.name == null) {
                throw new SQLException("An unnamed savepoint has no name");
            }
            return this.name;
        }

        @Override
        public String toString() {
            return (this.name != null) ? this.name : this.id.toLowerCase(Locale.ROOT);
        }
    }
}
