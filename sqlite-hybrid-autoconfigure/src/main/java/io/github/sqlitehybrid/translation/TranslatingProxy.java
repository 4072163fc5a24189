package io.github.sqlitehybrid.translation;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import org.jspecify.annotations.Nullable;

/**
 * One JDBC object seen through {@link SqliteExceptionTranslation}: what it throws is translated (a date or time
 * held as text the driver cannot parse is read by {@link TemporalText} instead), and the
 * statements, result sets and metadata it returns are wrapped the same way. {@code getConnection()} answers the
 * wrapped connection and a result set's {@code getStatement()} the wrapped statement, so a caller never reaches
 * an object that throws untranslated errors except through {@code unwrap}.
 */
final class TranslatingProxy implements InvocationHandler {

    private final Object target;

    private final TemporalText temporal;

    /** The wrapped connection everything here came from; {@code null} for the connection itself. */
    private final @Nullable Object connection;

    /** The wrapped statement of a result set; {@code null} otherwise. */
    private final @Nullable Object statement;

    private TranslatingProxy(
            Object target, TemporalText temporal, @Nullable Object connection, @Nullable Object statement) {
        this.target = target;
        this.temporal = temporal;
        this.connection = connection;
        this.statement = statement;
    }

    static Connection connection(Connection target, TemporalText temporal) {
        return (Connection) wrap(target, Connection.class, temporal, null, null);
    }

    private static Object wrap(
            Object target,
            Class<?> type,
            TemporalText temporal,
            @Nullable Object connection,
            @Nullable Object statement) {
        return Proxy.newProxyInstance(
                TranslatingProxy.class.getClassLoader(),
                new Class<?>[] {type},
                new TranslatingProxy(target, temporal, connection, statement));
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        boolean noArgs = args == null || args.length == 0;
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Translating " + this.target;
            case "getConnection":
                if (noArgs && this.connection != null) {
                    return this.connection;
                }
                break;
            case "getStatement":
                if (noArgs && this.statement != null) {
                    return this.statement;
                }
                break;
            default:
                break;
        }
        Object result;
        try {
            Object temporal = temporal(method, args);
            if (temporal != TemporalText.UNHANDLED) {
                return temporal;
            }
            result = method.invoke(this.target, args);
        } catch (SQLException ex) {
            throw SqliteExceptionTranslation.translate(ex);
        } catch (InvocationTargetException ex) {
            Throwable thrown = ex.getTargetException();
            Object reread = (this.target instanceof ResultSet rs
                            && (thrown instanceof SQLException || thrown instanceof DateTimeException))
                    ? this.temporal.reread(rs, method, args)
                    : null;
            if (reread != null) {
                return reread;
            }
            throw (thrown instanceof SQLException sql) ? SqliteExceptionTranslation.translate(sql) : thrown;
        }
        return (result != null && !method.getName().equals("unwrap")) ? wrapResult(proxy, method, result) : result;
    }

    /** A temporal value bound or read in the DataSource's date format, or {@link TemporalText#UNHANDLED}. */
    private @Nullable Object temporal(Method method, @Nullable Object[] args) throws SQLException {
        if (this.target instanceof PreparedStatement statement) {
            String text = this.temporal.bound(method, args);
            if (text != null) {
                statement.setString((Integer) args[0], text);
                return null;
            }
        } else if (this.target instanceof ResultSet rs) {
            return this.temporal.read(rs, method, args);
        }
        return TemporalText.UNHANDLED;
    }

    private Object wrapResult(Object proxy, Method method, Object result) {
        Class<?> type = method.getReturnType();
        Object owner = (this.connection != null) ? this.connection : proxy;
        if (type == Statement.class || type == PreparedStatement.class || type == CallableStatement.class) {
            return wrap(result, type, this.temporal, owner, null);
        }
        if (type == ResultSet.class) {
            return wrap(result, ResultSet.class, this.temporal, owner, (proxy instanceof Statement) ? proxy : null);
        }
        if (type == DatabaseMetaData.class) {
            return wrap(result, DatabaseMetaData.class, this.temporal, owner, null);
        }
        return result;
    }
}
