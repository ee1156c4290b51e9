package dev.sam.serve.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sam.core.json.Json;
import java.io.UncheckedIOException;

/**
 * JSON of API answers: SAM's conventions (snake_case, null record fields left out) except that map
 * entries with a null value are kept, so that a key an endpoint documents (e.g. {@code "canary": null})
 * is always there for clients, and maps keep their order ("success" first).
 */
public final class ApiJson {
    private static final ObjectMapper MAPPER = Json.mapper().copy()
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                    JsonInclude.Include.ALWAYS))
            .disable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ApiJson() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
