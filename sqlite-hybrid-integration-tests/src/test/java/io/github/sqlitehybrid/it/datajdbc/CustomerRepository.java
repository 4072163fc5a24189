package io.github.sqlitehybrid.it.datajdbc;

import java.time.LocalDate;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.ListPagingAndSortingRepository;
import org.springframework.data.repository.query.Param;

public interface CustomerRepository
        extends ListCrudRepository<Customer, Long>, ListPagingAndSortingRepository<Customer, Long> {

    Page<Customer> findBySinceAfter(LocalDate since, Pageable pageable);

    @Query("SELECT count(*) FROM customer WHERE visits >= :visits")
    long countWithAtLeast(@Param("visits") int visits);
}
