package io.github.sqlitehybrid.quartz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.io.ClassPathResource;

/** {@link QuartzRuntimeHints}: what Quartz's job store and Boot's schema initializer look up by name. */
class QuartzRuntimeHintsTests {

    private final RuntimeHints hints = new RuntimeHints();

    QuartzRuntimeHintsTests() {
        new QuartzRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
    }

    @Test
    void registersTheDriverDelegateForInstantiationByClassName() throws Exception {
        assertThat(RuntimeHintsPredicates.reflection()
                        .onConstructorInvocation(SqliteQuartzDelegate.class.getConstructor()))
                .accepts(this.hints);
    }

    @Test
    void registersTheLockHandlerForInstantiationByClassName() throws Exception {
        assertThat(RuntimeHintsPredicates.reflection()
                        .onConstructorInvocation(UpdateLockRowSemaphore.class.getConstructor()))
                .accepts(this.hints);
    }

    @Test
    void registersTheLockHandlersPropertySettersWhereverTheyAreDeclared() throws Exception {
        for (String setter : new String[] {"setTablePrefix", "setSchedName", "setUpdateLockRowSQL"}) {
            assertThat(RuntimeHintsPredicates.reflection()
                            .onMethodInvocation(UpdateLockRowSemaphore.class.getMethod(setter, String.class)))
                    .as(setter)
                    .accepts(this.hints);
        }
    }

    @Test
    void registersTheSqliteSchemaThatBootsInitializerReads() {
        assertThat(new ClassPathResource(QuartzRuntimeHints.SCHEMA).exists()).isTrue();
        assertThat(RuntimeHintsPredicates.resource().forResource(QuartzRuntimeHints.SCHEMA))
                .accepts(this.hints);
    }

    @Test
    void registersNothingWithoutQuartz() {
        RuntimeHints withoutQuartz = new RuntimeHints();
        new QuartzRuntimeHints().registerHints(withoutQuartz, new FilteredClassLoader("org.quartz"));
        assertThat(withoutQuartz.reflection().typeHints()).isEmpty();
        assertThat(withoutQuartz.resources().resourcePatternHints()).isEmpty();
    }
}
