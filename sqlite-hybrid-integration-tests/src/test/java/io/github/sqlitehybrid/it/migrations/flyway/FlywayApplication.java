package io.github.sqlitehybrid.it.migrations.flyway;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application whose schema Flyway migrates at startup. */
@SpringBootApplication
public class FlywayApplication {}
