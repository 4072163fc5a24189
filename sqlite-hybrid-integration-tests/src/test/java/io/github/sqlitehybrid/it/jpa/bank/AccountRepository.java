package io.github.sqlitehybrid.it.jpa.bank;

import io.github.sqlitehybrid.retry.DbRetry;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/** As the project's user story has it: {@code @DbRetry} on the repository's own methods. */
public interface AccountRepository extends JpaRepository<Account, Long> {

    @DbRetry(maxAttempts = 8, initialDelay = "20ms")
    @Transactional
    @Modifying
    @Query("update Account a set a.balance = a.balance + :amount where a.id = :id")
    int deposit(@Param("id") long id, @Param("amount") long amount);

    @Query("select coalesce(sum(a.balance), 0) from Account a")
    long total();
}
