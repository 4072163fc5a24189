package io.github.sqlitehybrid.it.jpa.clinic;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface VisitRepository extends JpaRepository<Visit, Long> {

    long countByOwnerId(Long ownerId);

    Optional<Visit> findByRequest(String request);

    List<Visit> findByDateBetweenOrderByDateAsc(LocalDate from, LocalDate to);
}
