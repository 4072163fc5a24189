package io.github.sqlitehybrid.data.jdbc.shop;

import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;

/**
 * An aggregate with nothing but its generated id, so that its insert has no column to name.
 */
public class Ticket {

    @Id
    private @Nullable Long id;

    public @Nullable Long getId() {
        return this.id;
    }
}
