package io.github.sqlitehybrid.it.jpa.clinic;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A veterinary clinic in the manner of Spring PetClinic: Spring Data JPA repositories, Hibernate's SQLite dialect,
 * a web layer with Boot's defaults (open session in view included) and no {@code @Transactional} of its own.
 */
@SpringBootApplication
public class ClinicApplication {}
