package io.github.sqlitehybrid.it.jpa.bank;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Accounts moved between in JPA transactions that read and then write, with read-only reports beside them. */
@SpringBootApplication
public class BankApplication {}
