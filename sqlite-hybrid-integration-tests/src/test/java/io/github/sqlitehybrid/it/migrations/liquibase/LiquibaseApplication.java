package io.github.sqlitehybrid.it.migrations.liquibase;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application whose schema Liquibase updates at startup. */
@SpringBootApplication
public class LiquibaseApplication {}
