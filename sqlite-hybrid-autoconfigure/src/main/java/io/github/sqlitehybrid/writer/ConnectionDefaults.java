package io.github.sqlitehybrid.writer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RoutingConnection} answers, as sqlite-jdbc does, for the connection settings SQLite does not
 * really have (holdability, catalog, schema, client info, network timeout, type map), since it has no physical
 * connection to ask.
 */
final class ConnectionDefaults {

    private Map<String, Class<?>> typeMap = new HashMap<>();

    @Nullable
    Object answer(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
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
}
