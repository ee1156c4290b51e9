package dev.sam.serve;

import dev.sam.core.model.ChatMessage;
import dev.sam.serve.chat.ChatBackend;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fake of the inference engine for HTTP-level tests: answers "[version] <last user message>" (for a
 * text completion "[version] <the prompt as the engine receives it>", FIM tokens included),
 * word by word, so that tests can see which version served a request and how streaming splits text.
 * Never used outside tests. Two prompts misbehave on purpose: {@code <too long>} (the engine's usage error) and
 * {@code <fail midway>} (fails after the first piece of text).
 */
final class EchoBackend implements ChatBackend {
    final AtomicInteger calls = new AtomicInteger();
    private final long delayMillis;

    EchoBackend() {
        this(0);
    }

    EchoBackend(long delayMillis) {
        this.delayMillis = delayMillis;
    }

    @Override
    public Completion generate(Generation g, TextSink sink) throws Exception {
        calls.incrementAndGet();
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        List<ChatMessage> m = g.isChat() ? g.messages() : List.of(new ChatMessage("user", g.rawPrompt()));
        String last = m.get(m.size() - 1).content();
        if (last.equals("<too long>")) {
            throw dev.sam.core.SamException.usage("the prompt has 9999 tokens; it exceeds the model's context", null);
        }
        if (last.equals("<fail midway>")) {
            sink.accept("partial ");
            throw new IllegalStateException("native generator failed");
        }
        String text = "[" + g.version() + "] " + m.get(m.size() - 1).content();
        String[] words = text.split("(?<= )");
        int prompt = m.stream().mapToInt(x -> x.content().split(" ").length).sum();
        int n = 0;
        for (String w : words) {
            if (n == g.maxTokens()) {
                return new Completion(text, prompt, n, "length");
            }
            n++;
            if (!sink.accept(w)) {
                return new Completion(text, prompt, n, "stop");
            }
        }
        return new Completion(text, prompt, n, "stop");
    }

    @Override
    public String describe() {
        return "echo (test fake)";
    }
}
