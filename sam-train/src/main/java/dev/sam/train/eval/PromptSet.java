package dev.sam.train.eval;

import dev.sam.core.model.ChatMessage;
import dev.sam.train.data.TrainingRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed prompts of the generation check: a small built-in set of coding requests (the kind of work
 * SAM's model is for), plus, when evaluating a run, the first few held-out conversations without their
 * answers. Fixed and ordered, so two evaluations of the same adapters generate the same text (greedy).
 */
public final class PromptSet {
    /** How many held-out prompts are added at most. */
    public static final int HELD_OUT = 4;

    public static final List<String> BUILTIN = List.of(
            "Write a Python function that returns the n-th Fibonacci number.",
            "Explain what this shell command does: grep -rn TODO src/ | wc -l",
            "Write a Java method that reverses a string.",
            "How do I read a JSON file in JavaScript?");

    private PromptSet() {
    }

    /** One prompt: the conversation so far (ending with the user) and where it came from. */
    public record Prompt(String source, List<ChatMessage> messages) {
        public String lastUserText() {
            return messages.get(messages.size() - 1).content();
        }
    }

    public static List<Prompt> builtin() {
        return BUILTIN.stream().map(t -> new Prompt("builtin", List.of(new ChatMessage("user", t)))).toList();
    }

    /** The built-in prompts and up to {@value #HELD_OUT} held-out chat records without their answer. */
    public static List<Prompt> with(List<TrainingRecord> heldOut) {
        List<Prompt> out = new ArrayList<>(builtin());
        for (TrainingRecord r : heldOut) {
            if (out.size() >= BUILTIN.size() + HELD_OUT) {
                break;
            }
            if (!r.isText()) {
                out.add(new Prompt("held-out " + r.location(), r.messages().subList(0, r.messages().size() - 1)));
            }
        }
        return out;
    }
}
