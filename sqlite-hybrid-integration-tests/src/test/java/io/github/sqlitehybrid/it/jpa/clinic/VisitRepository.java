package io.github.sqlitehybrid.it.jpa.clinic;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface VisitRepository extends JpaRepository<Visit, Long> {

    long countByOwnerId(Long ownerId);

    Optional<Visit> findByRequest(String request);

    List<Visit> findByDateBetweenOrderByDateAsc(LocalDate from, LocalDate to);

    /** A query on a table that does not exist, for the exception translation test. */
    @Query(value = "SELECT count(*) FROM no_such_table", nativeQuery = true)
    long countMissingTable();
}
