package io.github.sqlitehybrid.it.jpa.clinic;

import org.springframework.data.jpa.repository.JpaRepository;

public interface OwnerRepository extends JpaRepository<Owner, Long> {}
