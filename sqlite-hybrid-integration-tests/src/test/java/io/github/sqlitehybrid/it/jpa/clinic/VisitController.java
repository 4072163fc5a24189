package io.github.sqlitehybrid.it.jpa.clinic;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Each request runs several repository calls, each its own transaction, on the one EntityManager (and the one JDBC
 * connection) that open-in-view keeps for the whole request, as PetClinic's "add visit" form does.
 */
@RestController
class VisitController {

    private final OwnerRepository owners;

    private final VisitRepository visits;

    VisitController(OwnerRepository owners, VisitRepository visits) {
        this.owners = owners;
        this.visits = visits;
    }

    /** Read-only transactions first (find the owner, count), then a write transaction (save). */
    @PostMapping("/owners/{ownerId}/visits")
    @ResponseStatus(HttpStatus.CREATED)
    long readThenWrite(@PathVariable long ownerId, @RequestParam String request) {
        Owner owner = this.owners.findById(ownerId).orElseThrow();
        long before = this.visits.count();
        return this.visits.save(visit(owner, request, "visit after " + before)).getId();
    }

    /** A write transaction first (save), then read-only ones (count, find) on the same connection. */
    @PostMapping("/owners/{ownerId}/visits/then-count")
    @ResponseStatus(HttpStatus.CREATED)
    long writeThenRead(@PathVariable long ownerId, @RequestParam String request) {
        Owner owner = this.owners.getReferenceById(ownerId);
        this.visits.save(visit(owner, request, "visit"));
        if (this.visits.findByRequest(request).isEmpty()) {
            throw new IllegalStateException("Visit " + request + " not found after it was saved");
        }
        return this.visits.countByOwnerId(ownerId);
    }

    private static Visit visit(Owner owner, String request, String description) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Visit(
                owner,
                request,
                description,
                LocalDate.ofInstant(now, ZoneOffset.UTC),
                LocalDateTime.ofInstant(now, ZoneOffset.UTC),
                now);
    }
}
