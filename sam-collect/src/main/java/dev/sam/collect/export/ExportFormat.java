package dev.sam.collect.export;

import dev.sam.core.SamException;
import java.util.Locale;

/**
 * Layouts of {@code sam data export}: alpaca ({@code instruction, input, output}, for TRL/axolotl-style
 * trainers), chat ({@code messages} plus id/source/quality, for TRL's SFTTrainer), mlx (exactly
 * {@code messages}, what mlx-lm's ChatDataset reads from train.jsonl / valid.jsonl).
 */
public enum ExportFormat {
    ALPACA, CHAT, MLX;

    public static ExportFormat parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw SamException.usage("unknown export format '" + s + "'", "use alpaca, chat or mlx");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
