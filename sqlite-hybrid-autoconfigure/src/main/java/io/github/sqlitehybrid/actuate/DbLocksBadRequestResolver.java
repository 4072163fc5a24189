package io.github.sqlitehybrid.actuate;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a {@code POST} to the dblocks endpoint whose body cannot be read (malformed JSON, JSON that is not an
 * object, a content type other than JSON) with 400 and a message saying what the operation accepts. Spring MVC
 * alone answers 400 or 415 through Boot's error page, which leaves the message out by default. Other requests
 * and other paths are left to the other resolvers.
 */
final class DbLocksBadRequestResolver implements HandlerExceptionResolver, Ordered {

    private final Supplier<@Nullable String> endpointPath;

    /**
     * Create the resolver.
     * @param endpointPath the endpoint's path below the servlet, such as {@code /actuator/dblocks}; {@code null}
     *     while not known, when the resolver does nothing
     */
    DbLocksBadRequestResolver(Supplier<@Nullable String> endpointPath) {
        this.endpointPath = endpointPath;
    }

    @Override
    public @Nullable ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, @Nullable Object handler, Exception ex) {
        String path = this.endpointPath.get();
        if (path == null
                || !"POST".equals(request.getMethod())
                || !request.getRequestURI().endsWith(path)) {
            return null;
        }
        String problem;
        if (ex instanceof HttpMessageNotReadableException) {
            problem = "The request body is not a JSON object.";
        } else if (ex instanceof HttpMediaTypeNotSupportedException unsupported) {
            MediaType type = unsupported.getContentType();
            problem = "Content type '" + ((type != null) ? type : "unknown") + "' is not supported.";
        } else {
            return null;
        }
        String message = problem + " POST " + path + " flushes the write buffer and takes no parameters:"
                + " send no body, or an empty JSON object with Content-Type application/json.";
        try {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter()
                    .write("{\"status\":400,\"error\":\"Bad Request\",\"message\":" + quote(message) + ",\"path\":"
                            + quote(request.getRequestURI()) + "}");
            response.getWriter().flush();
        } catch (IOException writeFailed) {
            // The client went away; nothing more to tell it.
        }
        return new ModelAndView();
    }

    /** Before Spring MVC's own resolvers, which would send the error without a message. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    private static String quote(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
