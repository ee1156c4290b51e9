package dev.sam.train.nativelib;

import dev.sam.core.SamException;
import java.util.List;

/**
 * Which LoRA adapters to attach: rank, mlx-lm scale (alpha / rank in SAM's profiles), dropout, the
 * last {@code numLayers} layers (-1 = all) and target modules by short name (q_proj, ..., down_proj).
 */
public record LoraSpec(int rank, float scale, float dropout, int numLayers, List<String> targets) {
    private static final List<String> NAMES =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraSpec {
        targets = List.copyOf(targets);
        for (String t : targets) {
            if (!NAMES.contains(t)) {
                throw SamException.usage("unknown LoRA target '" + t + "'", "use some of " + NAMES);
            }
        }
    }

    /** mlx-lm module keys, e.g. self_attn.q_proj, mlp.gate_proj. */
    public List<String> mlxKeys() {
        return targets.stream().map(t -> (NAMES.indexOf(t) < 4 ? "self_attn." : "mlp.") + t).toList();
    }

    /** From mlx-lm keys ("self_attn.q_proj") or short names. */
    /** The LoRA of a training profile (scale = alpha / rank, as mlx-lm's). */
    public static LoraSpec of(dev.sam.core.config.TrainingProfile s) {
        return new LoraSpec(s.rank(), (float) s.scale(), (float) s.dropout(), s.loraLayers(), s.targets());
    }

    public static List<String> targetsFromKeys(List<String> keys) {
        return keys.stream().map(k -> k.substring(k.lastIndexOf('.') + 1)).toList();
    }

    SamTrainLibrary.LoraConfigStruct toStruct() {
        SamTrainLibrary.LoraConfigStruct s = new SamTrainLibrary.LoraConfigStruct();
        s.rank = rank;
        s.scale = scale;
        s.dropout = dropout;
        s.num_layers = numLayers;
        int mask = 0;
        for (String t : targets) {
            mask |= 1 << NAMES.indexOf(t);
        }
        s.targets = mask;
        return s;
    }
}
