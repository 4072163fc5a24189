package io.github.sqlitehybrid.it.support;

import java.net.http.HttpResponse;

/** An HTTP answer that was not the one expected, with what the server said went wrong. */
public final class HttpFailure extends RuntimeException {

    public HttpFailure(HttpResponse<String> response) {
        super("HTTP " + response.statusCode() + ": " + response.body().replaceAll("\\s+", " "));
    }
}
