package io.github.sqlitehybrid.data.jdbc.shop;

import org.springframework.data.repository.ListCrudRepository;

/**
 * The repository of {@link Ticket}.
 */
public interface TicketRepository extends ListCrudRepository<Ticket, Long> {}
