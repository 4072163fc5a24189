package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

/**
 * {@link DbRetry} is {@code @Reflective}: Spring's AOT processing registers reflection on the methods and types
 * of beans that carry it, which {@link DbRetryAdvisor}'s pointcut needs to find them in a native image.
 */
class DbRetryReflectionTests {

    @Test
    void registersReflectionOnAnnotatedMethods() {
        RuntimeHints hints = new RuntimeHints();
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, MethodAnnotated.class);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MethodAnnotated.class, "save"))
                .accepts(hints);
    }

    @Test
    void registersReflectionOnAnnotatedTypes() {
        RuntimeHints hints = new RuntimeHints();
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, TypeAnnotated.class);
        assertThat(RuntimeHintsPredicates.reflection().onType(TypeAnnotated.class))
                .accepts(hints);
    }

    static class MethodAnnotated {

        @DbRetry
        public void save() {}
    }

    @DbRetry
    static class TypeAnnotated {

        public void save() {}
    }
}
