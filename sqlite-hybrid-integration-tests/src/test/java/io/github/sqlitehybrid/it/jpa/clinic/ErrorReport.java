package io.github.sqlitehybrid.it.jpa.clinic;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers a failed request with what the database said, so that the figures printed for plain Boot name it. */
@RestControllerAdvice
class ErrorReport {

    @ExceptionHandler
    ResponseEntity<String> failed(Exception ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(ex.getClass().getSimpleName() + " / " + root.getClass().getSimpleName() + ": "
                        + root.getMessage());
    }
}
