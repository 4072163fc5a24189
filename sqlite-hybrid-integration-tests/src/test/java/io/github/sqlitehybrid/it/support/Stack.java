package io.github.sqlitehybrid.it.support;

import java.util.List;

/**
 * A Spring stack on this module's classpath, by the auto-configurations that bring it. A scenario starts its
 * application with the stacks it is about; the others' auto-configurations are excluded, as if their libraries
 * were not on the application's classpath.
 */
public enum Stack {

    /** Spring Data JPA with Hibernate. */
    JPA(
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"),

    /** Spring Data JDBC repositories. */
    DATA_JDBC("org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration"),

    /** Spring Batch with its JDBC job repository. */
    BATCH(
            "org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration",
            "org.springframework.boot.batch.autoconfigure.BatchJobLauncherAutoConfiguration",
            "org.springframework.boot.batch.autoconfigure.observation.BatchObservationAutoConfiguration",
            "org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration"),

    /** Quartz. */
    QUARTZ(
            "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration",
            "org.springframework.boot.quartz.autoconfigure.QuartzEndpointAutoConfiguration"),

    /** Spring Session JDBC. */
    SESSION(
            "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration",
            "org.springframework.boot.session.autoconfigure.SessionsEndpointAutoConfiguration",
            "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration"),

    /** Flyway migrations. */
    FLYWAY(
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayEndpointAutoConfiguration"),

    /** Liquibase migrations. */
    LIQUIBASE(
            "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration",
            "org.springframework.boot.liquibase.autoconfigure.LiquibaseEndpointAutoConfiguration"),

    /** jOOQ. */
    JOOQ("org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration");

    private final List<String> autoConfigurations;

    Stack(String... autoConfigurations) {
        this.autoConfigurations = List.of(autoConfigurations);
    }

    List<String> autoConfigurations() {
        return this.autoConfigurations;
    }
}
