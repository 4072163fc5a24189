package io.github.sqlitehybrid;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * The rules Spring Boot holds its own auto-configurations to, and this project's own, checked on the compiled
 * main classes so that the build keeps them rather than review.
 */
class ArchitectureTests {

    private static final String ROOT = "io.github.sqlitehybrid";

    /** The read pool is a bean of its own for meters and health; replacing it alone would split the pools. */
    private static final Set<String> BEANS_WITHOUT_BACK_OFF = Set.of("dataSourceReadPool");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);

    @Test
    void autoConfigurationsArePublicAndFinal() {
        classes()
                .that()
                .areAnnotatedWith(AutoConfiguration.class)
                .should()
                .bePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .andShould()
                .haveSimpleNameEndingWith("AutoConfiguration")
                .check(MAIN);
    }

    @Test
    void autoConfigurationsHaveNoPublicMethodsOrFieldsButConstants() {
        classes()
                .that()
                .areAnnotatedWith(AutoConfiguration.class)
                .should(haveNoPublicMembersButConstants())
                .check(MAIN);
    }

    @Test
    void everyAutoConfigurationIsListedInTheImportsFileAndNothingElseIs() throws IOException {
        Set<String> annotated = MAIN.stream()
                .filter(type -> type.isAnnotatedWith(AutoConfiguration.class))
                .map(JavaClass::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(importsFile()).isEqualTo(annotated);
    }

    @Test
    void beanPostProcessorBeanMethodsAreStaticWithLazyParameters() {
        methods()
                .that(areBeanMethodsReturning(BeanPostProcessor.class))
                .should()
                .beStatic()
                .andShould(haveOnlyLazyParameters(ObjectProvider.class, Environment.class, ApplicationContext.class))
                .check(MAIN);
    }

    @Test
    void beanFactoryPostProcessorBeanMethodsAreStaticAndTakeTheEnvironmentAtMost() {
        methods()
                .that(areBeanMethodsReturning(BeanFactoryPostProcessor.class))
                .should()
                .beStatic()
                .andShould(haveOnlyLazyParameters(Environment.class))
                .allowEmptyShould(true)
                .check(MAIN);
    }

    @Test
    void beanMethodsArePackagePrivateAndBackOff() {
        methods().that().areAnnotatedWith(Bean.class).should().notBePublic().check(MAIN);
        methods()
                .that()
                .areAnnotatedWith(Bean.class)
                .and(DescribedPredicate.describe(
                        "are not listed as beans without back-off",
                        (JavaMethod method) -> !BEANS_WITHOUT_BACK_OFF.contains(method.getName())))
                .should()
                .beAnnotatedWith(ConditionalOnMissingBean.class)
                .check(MAIN);
    }

    @Test
    void conditionsAreNotPublic() {
        classes().that().implement(Condition.class).should().notBePublic().check(MAIN);
    }

    @Test
    void meterBindersAreCreatedOnlyByMetricsAutoConfigurations() {
        noClasses()
                .that()
                .haveSimpleNameNotEndingWith("MetricsAutoConfiguration")
                .and()
                .doNotImplement(MeterBinder.class)
                .should()
                .callConstructorWhere(DescribedPredicate.describe(
                        "the constructed type is a MeterBinder",
                        call -> call.getTargetOwner().isAssignableTo(MeterBinder.class)))
                .check(MAIN);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void featurePackagesDoNotDependOnTheEndpointOrHealth() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".actuate..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".actuate..")
                .check(MAIN);
    }

    @Test
    void everyPackageIsNullMarked() {
        Set<String> packages =
                MAIN.stream().map(JavaClass::getPackageName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> unmarked =
                packages.stream().filter(name -> !isNullMarked(name)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(unmarked).as("packages without a @NullMarked package-info").isEmpty();
    }

    private static boolean isNullMarked(String packageName) {
        return MAIN.containPackage(packageName)
                && MAIN.getPackage(packageName).tryGetPackageInfo().isPresent()
                && MAIN.getPackage(packageName).isAnnotatedWith(NullMarked.class);
    }

    private static Set<String> importsFile() throws IOException {
        String resource = "META-INF/spring/" + AutoConfiguration.class.getName() + ".imports";
        try (InputStream in = ArchitectureTests.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R"))
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static DescribedPredicate<JavaMethod> areBeanMethodsReturning(Class<?> type) {
        return DescribedPredicate.describe(
                "are @Bean methods returning a " + type.getSimpleName(),
                method -> method.isAnnotatedWith(Bean.class)
                        && method.getRawReturnType().isAssignableTo(type));
    }

    private static ArchCondition<JavaMethod> haveOnlyLazyParameters(Class<?>... lazyTypes) {
        return new ArchCondition<>("take only lazy parameters (@Lazy or " + simpleNames(lazyTypes) + ")") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                for (JavaParameter parameter : method.getParameters()) {
                    boolean lazy = parameter.isAnnotatedWith(Lazy.class)
                            || Arrays.stream(lazyTypes)
                                    .anyMatch(type -> parameter.getRawType().isEquivalentTo(type));
                    if (!lazy) {
                        events.add(SimpleConditionEvent.violated(
                                method,
                                method.getFullName() + " takes "
                                        + parameter.getRawType().getName()
                                        + ", which initialises that bean before the post-processors run"));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> haveNoPublicMembersButConstants() {
        return new ArchCondition<>("have no public methods, and no public fields but static final constants") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                type.getMethods().stream()
                        .filter(method -> method.getModifiers().contains(JavaModifier.PUBLIC))
                        .forEach(method ->
                                events.add(SimpleConditionEvent.violated(method, method.getFullName() + " is public")));
                type.getFields().stream()
                        .filter(field -> field.getModifiers().contains(JavaModifier.PUBLIC))
                        .filter(field ->
                                !field.getModifiers().containsAll(Set.of(JavaModifier.STATIC, JavaModifier.FINAL)))
                        .forEach(field ->
                                events.add(SimpleConditionEvent.violated(field, field.getFullName() + " is public")));
            }
        };
    }

    private static String simpleNames(Class<?>... types) {
        return Arrays.stream(types).map(Class::getSimpleName).collect(Collectors.joining(", "));
    }
}
