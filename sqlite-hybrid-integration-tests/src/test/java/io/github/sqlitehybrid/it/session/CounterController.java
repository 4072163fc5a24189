package io.github.sqlitehybrid.it.session;

import jakarta.servlet.http.HttpSession;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Counts a client's requests in its session: each request reads the attribute and sets it one higher, so an
 * update the session store lost shows as a count that falls behind.
 */
@RestController
class CounterController {

    static final String COUNT = "count";

    /** Answers the session's id and its new count, separated by a space. */
    @PostMapping("/counter")
    String increment(HttpSession session) {
        Integer count = (Integer) session.getAttribute(COUNT);
        int next = ((count != null) ? count : 0) + 1;
        session.setAttribute(COUNT, next);
        return session.getId() + " " + next;
    }
}
