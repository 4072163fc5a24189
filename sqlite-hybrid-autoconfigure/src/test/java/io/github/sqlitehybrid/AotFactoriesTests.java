package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.type.filter.AssignableTypeFilter;

/** {@code META-INF/spring/aot.factories}, where Spring's AOT processing finds the starter's runtime hints. */
class AotFactoriesTests {

    @Test
    void listsEveryRuntimeHintsRegistrarOfTheStarter() {
        List<RuntimeHintsRegistrar> listed = SpringFactoriesLoader.forResourceLocation(
                        "META-INF/spring/aot.factories", getClass().getClassLoader())
                .load(RuntimeHintsRegistrar.class);
        Set<String> listedNames = listed.stream()
                .map((registrar) -> registrar.getClass().getName())
                .collect(Collectors.toSet());
        assertThat(listedNames)
                .containsAll(registrarsInTheStarter())
                .contains(
                        "io.github.sqlitehybrid.quartz.QuartzRuntimeHints",
                        "io.github.sqlitehybrid.translation.TranslationRuntimeHints",
                        "io.github.sqlitehybrid.writer.WriterRuntimeHints");
    }

    /** Every registrar class under the starter's package, so that a new one without an entry fails here. */
    private static Set<String> registrarsInTheStarter() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(RuntimeHintsRegistrar.class));
        Set<String> names = scanner.findCandidateComponents("io.github.sqlitehybrid").stream()
                .map(BeanDefinition::getBeanClassName)
                .collect(Collectors.toSet());
        assertThat(names).as("registrars found by scanning").isNotEmpty();
        return names;
    }
}
