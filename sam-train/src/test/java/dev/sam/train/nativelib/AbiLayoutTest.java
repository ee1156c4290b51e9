package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The JNA mirrors of the structs in native/include/samtrain.h have the library's layout: same fields in
 * the same order, same byte offsets, same size, as reported by the compiled library itself
 * (sam_abi_layout, offsetof/sizeof in native/src/abi.c). A field added on one side only, reordered, or
 * given another width fails here instead of corrupting memory at run time.
 */
class AbiLayoutTest {
    private static final Map<String, Supplier<SamTrainLibrary.AbiStruct>> MIRRORS = Map.of(
            "sam_model_info", SamTrainLibrary.ModelInfoStruct::new,
            "sam_lora_config", SamTrainLibrary.LoraConfigStruct::new,
            "sam_train_config", SamTrainLibrary.TrainConfigStruct::new,
            "sam_step_stats", SamTrainLibrary.StepStatsStruct::new,
            "sam_gen_config", SamTrainLibrary.GenConfigStruct::new);

    @Test
    void everyMirrorMatchesTheCompiledLayout() {
        Map<String, Map<String, Integer>> c = parse(Natives.lib().sam_abi_layout());
        assertEquals(MIRRORS.keySet(), c.keySet(), "structs reported by sam_abi_layout vs mirrored in Java");
        for (var e : c.entrySet()) {
            SamTrainLibrary.AbiStruct mirror = MIRRORS.get(e.getKey()).get();
            Map<String, Integer> cFields = new LinkedHashMap<>(e.getValue());
            int size = cFields.remove("size");
            Map<String, Integer> javaFields = new LinkedHashMap<>();
            for (String f : mirror.fields()) {
                javaFields.put(f, mirror.offsetOf(f));
            }
            assertEquals(new ArrayList<>(cFields.keySet()), new ArrayList<>(javaFields.keySet()),
                    e.getKey() + ": field names and order");
            assertEquals(cFields, javaFields, e.getKey() + ": field offsets");
            assertEquals(size, mirror.size(), e.getKey() + ": sizeof");
        }
    }

    @Test
    void parsesTheLayoutFormat() {
        Map<String, Map<String, Integer>> m = parse("s size=16 a=0 b=8\nt size=4 x=0\n");
        assertEquals(List.of("s", "t"), new ArrayList<>(m.keySet()));
        assertEquals(Map.of("size", 16, "a", 0, "b", 8), m.get("s"));
    }

    /** "name size=N field=offset ..." per line, in order. */
    static Map<String, Map<String, Integer>> parse(String layout) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (String line : layout.strip().split("\n")) {
            String[] parts = line.strip().split(" ");
            Map<String, Integer> fields = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=");
                fields.put(kv[0], Integer.parseInt(kv[1]));
            }
            out.put(parts[0], fields);
        }
        return out;
    }
}
