package dev.sam.collect.export;

import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One sample as a line of an export format. */
final class ExportLines {
    private ExportLines() {
    }

    static String line(Sample stored, ExportFormat format) {
        Sample s = trainedTurns(stored);
        Map<String, Object> m = new LinkedHashMap<>();
        switch (format) {
            case ALPACA -> {
                String[] a = alpaca(s);
                m.put("instruction", a[0]);
                m.put("input", a[1]);
                m.put("output", a[2]);
            }
            case CHAT -> {
                m.put("messages", s.asMessages());
                if (s.id() != null) {
                    m.put("id", s.id());
                }
                if (s.source() != null) {
                    m.put("source", s.source());
                }
                if (s.quality() != null) {
                    m.put("quality", s.quality());
                }
            }
            case MLX -> m.put("messages", s.asMessages());
        }
        return Json.write(m);
    }

    /**
     * The sample as it should be trained on elsewhere. Corrections distilled before SAM kept the wrong answer
     * out of samples were four-turn chats (question, wrong answer, "that is wrong", corrected answer); SAM's
     * trainer scores only the last turn, but TRL's SFTTrainer and mlx-lm without mask_prompt train every
     * assistant turn, so such a sample is exported as the question and the corrected answer only (the
     * wrong answer is the rejected side of its DPO pair).
     */
    static Sample trainedTurns(Sample s) {
        if (!s.isChat() || s.meta() == null || !"correction".equals(s.meta().get("kind"))) {
            return s;
        }
        List<ChatMessage> msgs = s.messages();
        List<ChatMessage> kept = new java.util.ArrayList<>();
        int firstUser = -1;
        for (int i = 0; i < msgs.size(); i++) {
            if (msgs.get(i).role().equals("system")) {
                kept.add(msgs.get(i));
            } else if (firstUser < 0 && msgs.get(i).role().equals("user")) {
                firstUser = i;
                kept.add(msgs.get(i));
            }
        }
        if (firstUser < 0 || msgs.size() - firstUser <= 2) {
            return s;
        }
        kept.add(msgs.get(msgs.size() - 1));
        return s.withMessages(kept);
    }

    /**
     * A chat sample as Alpaca: the first user turn is the instruction (after any system prompt), the
     * turns between it and the final answer are the input as a transcript, the final answer the output.
     */
    static String[] alpaca(Sample s) {
        if (!s.isChat()) {
            return new String[] {s.instruction(), s.input() == null ? "" : s.input(), s.output()};
        }
        List<ChatMessage> msgs = s.messages();
        StringBuilder system = new StringBuilder();
        int i = 0;
        while (i < msgs.size() && msgs.get(i).role().equals("system")) {
            system.append(msgs.get(i).content()).append("\n\n");
            i++;
        }
        String instruction = system + (i < msgs.size() - 1 ? msgs.get(i).content() : "");
        StringBuilder input = new StringBuilder();
        for (int k = i + 1; k < msgs.size() - 1; k++) {
            ChatMessage c = msgs.get(k);
            input.append(c.role().equals("user") ? "User: " : "Assistant: ").append(c.content()).append("\n\n");
        }
        return new String[] {instruction.strip(), input.toString().strip(), msgs.get(msgs.size() - 1).content()};
    }
}
