package io.github.sqlitehybrid.it.datajdbc;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Data JDBC repositories on SQLite, with the dialect the starter registers and nothing else. */
@SpringBootApplication
public class ShopApplication {}
