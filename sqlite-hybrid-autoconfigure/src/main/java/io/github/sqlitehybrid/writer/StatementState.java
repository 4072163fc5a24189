package io.github.sqlitehybrid.writer;

import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a logical statement has been told that its physical statement must also know: settings such as the fetch
 * size, the current parameter values and the batch. A logical statement can move from one physical connection to
 * another (each transaction is routed anew), so this is replayed on every physical statement made for it.
 *
 * <p>Streams and readers are read once, when they are set, so that they can be given again.
 */
final class StatementState {

    /** Settings by setter name: the last call wins. */
    private final Map<String, Call> settings = new LinkedHashMap<>();

    /** Parameter values by index or name: the last call wins. */
    private final Map<Object, Call> parameters = new LinkedHashMap<>();

    /** The parameters of each {@code addBatch()}, in order. */
    private final List<List<Call>> batch = new ArrayList<>();

    /** The statements of each {@code addBatch(String)}, in order. */
    private final List<String> sqlBatch = new ArrayList<>();

    /** Whether the method changes state that a physical statement must be told again. */
    static boolean records(Method method) {
        String name = method.getName();
        return name.startsWith("set")
                || name.equals("clearParameters")
                || name.equals("closeOnCompletion")
                || name.equals("addBatch")
                || name.equals("clearBatch");
    }

    void record(Method method, @Nullable Object[] args) throws SQLException {
        String name = method.getName();
        switch (name) {
            case "clearParameters" -> this.parameters.clear();
            case "addBatch" -> {
                if (args != null && args.length == 1) {
                    this.sqlBatch.add((String) args[0]);
                } else {
                    this.batch.add(List.copyOf(this.parameters.values()));
                }
            }
            case "clearBatch" -> clearBatch();
            default -> {
                Call call = new Call(method, replayable(args));
                if (isParameter(method, args)) {
                    this.parameters.put(args[0], call);
                } else {
                    this.settings.put(name, call);
                }
            }
        }
    }

    /** After {@code executeBatch}, whatever its outcome, a statement's batch is empty. */
    void clearBatch() {
        this.batch.clear();
        this.sqlBatch.clear();
    }

    /** The value last given to a setting, such as {@code setFetchSize} for {@code getFetchSize}. */
    @Nullable
    Object setting(String setter) {
        Call call = this.settings.get(setter);
        return (call != null && call.args != null && call.args.length > 0) ? call.args[0] : null;
    }

    boolean isSet(String setter) {
        return this.settings.containsKey(setter);
    }

    /** Tell a new physical statement everything this one was told, batch included. */
    void replayOn(Statement target) throws SQLException {
        for (Call call : this.settings.values()) {
            call.invokeOn(target);
        }
        for (List<Call> entry : this.batch) {
            for (Call call : entry) {
                call.invokeOn(target);
            }
            ((java.sql.PreparedStatement) target).addBatch();
        }
        for (String sql : this.sqlBatch) {
            target.addBatch(sql);
        }
        for (Call call : this.parameters.values()) {
            call.invokeOn(target);
        }
    }

    private static boolean isParameter(Method method, @Nullable Object[] args) {
        if (args == null || args.length < 2) {
            return false;
        }
        // setXxx(int index, ...) on a PreparedStatement, setXxx(String name, ...) on a CallableStatement; the
        // statement's own settings take one argument (setFetchSize(int)) or are setCursorName(String).
        return method.getDeclaringClass() != Statement.class;
    }

    private static @Nullable Object @Nullable [] replayable(@Nullable Object @Nullable [] args) throws SQLException {
        if (args == null) {
            return null;
        }
        Object[] copy = args.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] instanceof InputStream stream) {
                copy[i] = new Bytes(read(stream));
            } else if (copy[i] instanceof Reader reader) {
                copy[i] = new Chars(read(reader));
            }
        }
        return copy;
    }

    private static byte[] read(InputStream stream) throws SQLException {
        try {
            return stream.readAllBytes();
        } catch (IOException ex) {
            throw new SQLException("Could not read a stream parameter", ex);
        }
    }

    private static char[] read(Reader reader) throws SQLException {
        try {
            CharArrayWriter out = new CharArrayWriter();
            reader.transferTo(out);
            return out.toCharArray();
        } catch (IOException ex) {
            throw new SQLException("Could not read a reader parameter", ex);
        }
    }

    /** One recorded call; streams and readers are given anew each time. */
    private record Call(Method method, @Nullable Object @Nullable [] args) {

        void invokeOn(Statement target) throws SQLException {
            @Nullable Object[] given = (this.args != null) ? this.args.clone() : null;
            if (given != null) {
                for (int i = 0; i < given.length; i++) {
                    if (given[i] instanceof Bytes bytes) {
                        given[i] = new ByteArrayInputStream(bytes.value());
                    } else if (given[i] instanceof Chars chars) {
                        given[i] = new CharArrayReader(chars.value());
                    }
                }
            }
            try {
                this.method.invoke(target, given);
            } catch (InvocationTargetException ex) {
                if (ex.getTargetException() instanceof SQLException sql) {
                    throw sql;
                }
                throw new SQLException("Could not replay " + this.method.getName(), ex.getTargetException());
            } catch (IllegalAccessException ex) {
                throw new SQLException("Could not replay " + this.method.getName(), ex);
            }
        }
    }

    private record Bytes(byte[] value) {}

    private record Chars(char[] value) {}
}
