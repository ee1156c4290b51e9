package dev.sam.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sam.core.json.Json;
import java.util.Map;

/** JSON text columns (metrics, event data). */
final class JsonColumns {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private JsonColumns() {
    }

    static String write(Map<String, ?> m) {
        return Json.write(m == null ? Map.of() : m);
    }

    static Map<String, Object> read(String s) {
        if (s == null || s.isBlank()) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(s, MAP);
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", s);
        }
    }
}
