package dev.sam.serve.chat;

import dev.sam.core.SamException;
import dev.sam.core.model.Fim;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.GenerationOptions;
import dev.sam.train.infer.LoadedBase;
import dev.sam.train.nativelib.Natives;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link ChatBackend}: sam-train's {@link ChatEngine} (tokenizer, Qwen2.5 chat template,
 * native KV-cache generation with the version's LoRA adapters). One engine per (base model, adapters)
 * pair, opened on first use (on one shared {@link LoadedBase} per base model, so versions do not map
 * the weights twice) and kept: at most {@value #KEEP} (the active version, the canary and one
 * more); the least recently used is closed in the background when another is needed (ChatEngine.close
 * waits for its running requests). At most {@code slots} generations run at once — each already uses
 * every core through the native thread pool — and a request waits up to {@code waitMillis} for a slot,
 * then gets 503 (not the version's fault). Stop sequences and a client that hangs up end a generation
 * early: the text sink says stop, and the engine's generator is abandoned at that token.
 *
 * <pre>ChatBackend b = new EngineChatBackend(2, 120_000);</pre>
 */
public final class EngineChatBackend implements ChatBackend {
    private static final Logger LOG = LoggerFactory.getLogger(EngineChatBackend.class);
    static final int KEEP = 3;

    private final Map<List<Path>, ChatEngine> engines = new LinkedHashMap<>(8, 0.75f, true);
    /** One opened base model per directory, shared by the engines of all versions on it. */
    private final Map<Path, LoadedBase> bases = new LinkedHashMap<>();
    private final Semaphore slots;
    private final int slotCount;
    private final long waitMillis;
    private final String nativeBackend;
    private final String unavailable;

    public EngineChatBackend(int slots, long waitMillis) {
        this.slots = new Semaphore(slots, true);
        this.slotCount = slots;
        this.waitMillis = waitMillis;
        String b = null;
        String why = null;
        try {
            b = Natives.backend();
        } catch (RuntimeException | LinkageError e) {
            why = e.getMessage();
        }
        this.nativeBackend = b;
        this.unavailable = why;
    }

    @Override
    public Completion generate(Generation g, TextSink sink) throws Exception {
        if (unavailable != null) {
            throw new BackendUnavailableException("the native inference engine cannot be loaded: " + unavailable, null);
        }
        GenerationOptions o = new GenerationOptions(g.maxTokens(), g.temperature(), g.topP(), g.seed());
        if (!slots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
            throw new BackendUnavailableException("busy: " + slotCount + " generations are running and others"
                    + " waited " + waitMillis / 1000 + " s; try again", null);
        }
        sink.started();
        try {
            for (int attempt = 0; ; attempt++) {
                ChatEngine e = engine(g.baseModel(), g.adapters());
                if (g.fim() && !e.supportsFim()) {
                    throw SamException.usage("the base model " + g.baseModel().getFileName() + " has no fill-in-the-middle"
                            + " tokens (" + Fim.PREFIX + ", " + Fim.SUFFIX + ", " + Fim.MIDDLE + ") in its tokenizer,"
                            + " so 'suffix' cannot be used", "use a Qwen2.5-Coder base model, or send no suffix");
                }
                IOException[] failed = new IOException[1];
                java.util.function.Predicate<String> onText = piece -> {
                    try {
                        return sink.accept(piece);
                    } catch (IOException x) {
                        failed[0] = x;
                        return false;
                    }
                };
                try {
                    var c = g.isChat() ? e.streamWhile(g.messages(), o, onText) : e.streamRawWhile(g.rawPrompt(), o, onText);
                    if (failed[0] != null) {
                        throw failed[0];
                    }
                    return new Completion(c.text(), c.promptTokens(), c.completionTokens(), c.finishReason());
                } catch (IllegalStateException closed) {
                    if (attempt > 0 || !String.valueOf(closed.getMessage()).contains("closed")) {
                        throw closed;
                    }
                    // closed by eviction between lookup and use: open it again
                }
            }
        } finally {
            slots.release();
        }
    }

    /** The engine of this pair, opened when needed; evicts the least recently used beyond {@value #KEEP}. */
    private ChatEngine engine(Path base, Path adapters) {
        List<Path> key = new ArrayList<>();
        key.add(base.toAbsolutePath().normalize());
        key.add(adapters == null ? null : adapters.toAbsolutePath().normalize());
        List<ChatEngine> evicted = new ArrayList<>();
        ChatEngine e;
        synchronized (engines) {
            e = engines.get(key);
            if (e == null) {
                long t0 = System.nanoTime();
                e = ChatEngine.open(bases.computeIfAbsent(key.get(0), LoadedBase::open), adapters);
                LOG.info("opened {} with adapters {} in {} ms", base, adapters, (System.nanoTime() - t0) / 1_000_000);
                engines.put(key, e);
                for (Iterator<Map.Entry<List<Path>, ChatEngine>> it = engines.entrySet().iterator();
                     engines.size() > KEEP && it.hasNext(); ) {
                    Map.Entry<List<Path>, ChatEngine> old = it.next();
                    evicted.add(old.getValue());
                    it.remove();
                }
            }
        }
        for (ChatEngine old : evicted) {
            Thread t = new Thread(old::close, "sam-serve-engine-close");
            t.setDaemon(true);
            t.start();
        }
        return e;
    }

    @Override
    public String describe() {
        return unavailable != null ? "native engine unavailable: " + unavailable
                : "sam-train ChatEngine on libsamtrain (" + nativeBackend + "), " + slotCount + " generation(s) at once";
    }

    @Override
    public void close() {
        synchronized (engines) {
            engines.values().forEach(ChatEngine::close);
            engines.clear();
            bases.values().forEach(LoadedBase::close);
            bases.clear();
        }
    }
}
