/**
 * The {@code dblocks} actuator endpoint and the SQLite health indicator.
 */
@NullMarked
package io.github.sqlitehybrid.actuate;

import org.jspecify.annotations.NullMarked;
