package io.github.sqlitehybrid;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;

/**
 * Matches unless {@code sqlite.hybrid.enabled} is {@code false}: the one switch that turns the whole
 * starter off. Every sqlite-hybrid auto-configuration carries it.
 *
 * @since 0.1.0
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@ConditionalOnBooleanProperty(name = ConditionalOnSqliteHybridEnabled.PROPERTY, matchIfMissing = true)
public @interface ConditionalOnSqliteHybridEnabled {

    /** Property that switches the whole starter off when {@code false}. */
    String PROPERTY = "sqlite.hybrid.enabled";
}
