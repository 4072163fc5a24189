package io.github.sqlitehybrid.it.session;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A web application that keeps its HTTP sessions in the database with Spring Session JDBC. */
@SpringBootApplication
public class SessionApplication {}
