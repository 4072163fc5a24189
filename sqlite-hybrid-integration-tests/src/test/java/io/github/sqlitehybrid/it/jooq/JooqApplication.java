package io.github.sqlitehybrid.it.jooq;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A work queue written with jOOQ's DSL through Boot's auto-configured {@code DSLContext}, without generated code. */
@SpringBootApplication
public class JooqApplication {}
