package io.github.sqlitehybrid.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** A podcast-transcript job queue on one SQLite file, written by a pool of workers. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(SampleApplication.class);
        // SQLite creates the database file but not its directory; this runs before the DataSource opens.
        application.addListeners(new DatabaseDirectoryCreator());
        application.run(args);
    }
}
