package dev.sam.serve.ab;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.store.OutcomeRepository;
import dev.sam.serve.chat.ChatBackend;
import dev.sam.serve.chat.Generations;
import dev.sam.serve.http.HttpCall;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every complete answer with its id and version ({@link OutcomeRepository}) before the client has
 * it, so feedback posted with the id is always found. The prompt is kept as a capture's text (the user's
 * message; earlier turns as "role: text" blocks), so an edit can become a correction sample. A store that
 * cannot be written costs the answer its feedback, never the answer itself.
 */
public final class AnswerRecorder implements Generations.AnswerLog {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerRecorder.class);

    private final OutcomeRepository outcomes;

    public AnswerRecorder(OutcomeRepository outcomes) {
        this.outcomes = outcomes;
    }

    @Override
    public void record(HttpCall call, ChatBackend.Generation g, String answer) {
        if (call.responseId() == null) {
            return;
        }
        try {
            outcomes.addResponse(new OutcomeRepository.Response(call.responseId(), call.startMillis(), g.version(),
                    call.endpoint(), prompt(g), answer));
        } catch (RuntimeException e) {
            LOG.warn("could not keep answer {} for feedback: {}", call.responseId(), e.toString());
        }
    }

    static String prompt(ChatBackend.Generation g) {
        if (!g.isChat()) {
            return g.rawPrompt();
        }
        List<ChatMessage> m = g.messages();
        if (m.size() == 1) {
            return m.get(0).content();
        }
        return m.stream().map(x -> x.role() + ": " + x.content()).collect(Collectors.joining("\n\n"));
    }
}
