package dev.sam.train.infer;

import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ChatMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code sam generate}: one chat answer from the base model with optional adapters, streamed.
 *
 * <pre>GenerateService.Result r = new GenerateService(home, config).generate(request, System.out::print);</pre>
 */
public final class GenerateService {
    private final SamHome home;
    private final SamConfig config;

    public GenerateService(SamHome home, SamConfig config) {
        this.home = home;
        this.config = config;
    }

    /** The prompt, an optional system message, the adapter source (at most one) and sampling options. */
    public record Request(String prompt, String system, Path adapters, String runId, String version, String base,
                          GenerationOptions options) {
    }

    /** What answered and the answer. */
    public record Result(String source, String baseModel, String adapters, Completion completion) {
    }

    public Result generate(Request r, Consumer<String> onText) {
        EngineSource s = EngineSource.resolve(home, config, r.adapters(), r.runId(), r.version(), r.base());
        List<ChatMessage> messages = new ArrayList<>();
        if (r.system() != null) {
            messages.add(new ChatMessage("system", r.system()));
        }
        messages.add(new ChatMessage("user", r.prompt()));
        try (ChatEngine e = ChatEngine.open(s.baseDir(), s.adaptersDir())) {
            Completion c = e.stream(messages, r.options(), onText);
            return new Result(s.label(), s.baseModel(), s.adaptersDir() == null ? null : s.adaptersDir().toString(),
                    c);
        }
    }
}
