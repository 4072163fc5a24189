package io.github.sqlitehybrid.it.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts one scenario's application on a SQLite file, with the starter ({@code sqlite.hybrid.enabled=true}, its
 * defaults) or as plain Boot ({@code sqlite.hybrid.enabled=false}, Boot's defaults), and the stacks it is about.
 */
public final class TestApplication {

    private final Class<?> application;

    private final Set<Stack> stacks = EnumSet.noneOf(Stack.class);

    private final Map<String, Object> properties = new LinkedHashMap<>();

    private WebApplicationType web = WebApplicationType.NONE;

    private TestApplication(Class<?> application) {
        this.application = application;
    }

    public static TestApplication of(Class<?> application) {
        return new TestApplication(application);
    }

    public TestApplication with(Stack... stacks) {
        this.stacks.addAll(Arrays.asList(stacks));
        return this;
    }

    public TestApplication web() {
        this.web = WebApplicationType.SERVLET;
        this.properties.put("server.port", 0);
        return this;
    }

    public TestApplication property(String name, Object value) {
        this.properties.put(name, value);
        return this;
    }

    /**
     * Start the application.
     * @param file the SQLite file
     * @param starter whether the starter is on; off is plain Boot with the same libraries
     * @return the running context
     */
    public ConfigurableApplicationContext start(Path file, boolean starter) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("spring.datasource.url", "jdbc:sqlite:" + file);
        all.put("sqlite.hybrid.enabled", starter);
        all.put("spring.main.banner-mode", "off");
        all.put("spring.autoconfigure.exclude", String.join(",", excluded()));
        all.putAll(this.properties);
        return new SpringApplicationBuilder(this.application)
                .web(this.web)
                .properties(all)
                .run();
    }

    private List<String> excluded() {
        List<String> excluded = new ArrayList<>();
        for (Stack stack : Stack.values()) {
            if (!this.stacks.contains(stack)) {
                excluded.addAll(stack.autoConfigurations());
            }
        }
        return excluded;
    }
}
