package io.github.sqlitehybrid.translation;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.orm.jpa.JpaDialect;
import org.springframework.orm.jpa.vendor.HibernateJpaDialect;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

/**
 * Gives the JPA dialect of each {@link HibernateJpaVendorAdapter} bean a {@link SqliteExceptionTranslator}, so
 * that an error from SQLite reaches JPA callers as the same {@code DataAccessException} that {@code JdbcTemplate}
 * raises for it. Errors from other databases keep Hibernate's own translation.
 *
 * @since 0.1.0
 */
public final class HibernateJpaDialectPostProcessor implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HibernateJpaVendorAdapter adapter) {
            JpaDialect dialect = adapter.getJpaDialect();
            if (dialect instanceof HibernateJpaDialect hibernate) {
                hibernate.setJdbcExceptionTranslator(new SqliteExceptionTranslator());
            }
        }
        return bean;
    }
}
