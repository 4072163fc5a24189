package io.github.sqlitehybrid.it.jpa.bank;

import org.springframework.data.jpa.repository.JpaRepository;

public interface AuditRepository extends JpaRepository<AuditEntry, Long> {}
