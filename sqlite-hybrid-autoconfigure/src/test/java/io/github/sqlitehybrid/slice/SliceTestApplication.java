package io.github.sqlitehybrid.slice;

import org.springframework.boot.SpringBootConfiguration;

/** The configuration a slice test looks for in its package, as a user's application class would be. */
@SpringBootConfiguration
class SliceTestApplication {}
