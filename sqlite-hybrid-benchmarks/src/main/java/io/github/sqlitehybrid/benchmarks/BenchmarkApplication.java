package io.github.sqlitehybrid.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** The application each variant runs in: Boot's auto-configuration, with or without the starter's parts. */
@SpringBootConfiguration
@EnableAutoConfiguration
class BenchmarkApplication {}
