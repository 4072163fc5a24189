package io.github.sqlitehybrid.data.jdbc.shop;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.relational.core.sql.LockMode;
import org.springframework.data.relational.repository.Lock;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.ListPagingAndSortingRepository;

/**
 * The repository a user would write: derived queries by property and by date range, a top-3, paging, an
 * {@code @Query} with named parameters, a modifying one and a locking one.
 */
public interface OrderRepository extends ListCrudRepository<Order, Long>, ListPagingAndSortingRepository<Order, Long> {

    List<Order> findByCustomerOrderById(String customer);

    List<Order> findByPaidTrueOrderById();

    List<Order> findByOrderDateBetweenOrderById(LocalDate from, LocalDate to);

    List<Order> findByPlacedAtGreaterThanEqualOrderById(LocalDateTime from);

    List<Order> findByUpdatedAtBeforeOrderById(Instant before);

    List<Order> findTop3ByCustomerOrderByPlacedAtDesc(String customer);

    Page<Order> findByStatus(String status, Pageable pageable);

    @Query("SELECT * FROM \"order\" WHERE customer = :customer AND order_date >= :since ORDER BY order_date, id")
    List<Order> findPlacedSince(String customer, LocalDate since);

    // Queries declared here run in no transaction unless annotated: this update takes the write turn for itself.
    @Modifying
    @Query("UPDATE \"order\" SET status = :status WHERE customer = :customer")
    int changeStatusOfCustomer(String customer, String status);

    @Lock(LockMode.PESSIMISTIC_WRITE)
    Optional<Order> findLockedById(long id);
}
