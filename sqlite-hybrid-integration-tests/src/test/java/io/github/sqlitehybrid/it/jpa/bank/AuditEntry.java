package io.github.sqlitehybrid.it.jpa.bank;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

@Entity
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String event;

    protected AuditEntry() {}

    public AuditEntry(String event) {
        this.event = event;
    }

    public String getEvent() {
        return this.event;
    }
}
