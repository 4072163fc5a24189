package io.github.sqlitehybrid;

import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An endpoint's answer as the JSON object an application's own Jackson mapper writes, read back with every whole
 * number as a {@code Long}.
 */
public final class EndpointJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    private EndpointJson() {}

    public static Map<String, Object> asMap(Object answer) {
        return MAPPER.convertValue(answer, new TypeReference<Map<String, Object>>() {});
    }
}
