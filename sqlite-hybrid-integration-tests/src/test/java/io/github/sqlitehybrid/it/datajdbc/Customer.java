package io.github.sqlitehybrid.it.datajdbc;

import java.time.Instant;
import java.time.LocalDate;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

@Table("customer")
public class Customer {

    @Id
    private Long id;

    private String name;

    private LocalDate since;

    private Instant lastSeen;

    private int visits;

    @Version
    private long version;

    public Customer(String name, LocalDate since) {
        this.name = name;
        this.since = since;
    }

    public Long getId() {
        return this.id;
    }

    public String getName() {
        return this.name;
    }

    public LocalDate getSince() {
        return this.since;
    }

    public Instant getLastSeen() {
        return this.lastSeen;
    }

    public int getVisits() {
        return this.visits;
    }

    public long getVersion() {
        return this.version;
    }

    void visited(Instant at) {
        this.visits++;
        this.lastSeen = at;
    }
}
