package io.github.sqlitehybrid.it.jpa.clinic;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;

@Entity
public class Visit {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(optional = false)
    private Owner owner;

    /** The id the client gave the request, so that a test can find every acknowledged visit exactly once. */
    @Column(unique = true, nullable = false)
    private String request;

    private String description;

    private LocalDate date;

    private LocalDateTime bookedAt;

    private Instant recordedAt;

    protected Visit() {}

    public Visit(
            Owner owner,
            String request,
            String description,
            LocalDate date,
            LocalDateTime bookedAt,
            Instant recordedAt) {
        this.owner = owner;
        this.request = request;
        this.description = description;
        this.date = date;
        this.bookedAt = bookedAt;
        this.recordedAt = recordedAt;
    }

    public Long getId() {
        return this.id;
    }

    public Owner getOwner() {
        return this.owner;
    }

    public String getRequest() {
        return this.request;
    }

    public String getDescription() {
        return this.description;
    }

    public LocalDate getDate() {
        return this.date;
    }

    public LocalDateTime getBookedAt() {
        return this.bookedAt;
    }

    public Instant getRecordedAt() {
        return this.recordedAt;
    }
}
