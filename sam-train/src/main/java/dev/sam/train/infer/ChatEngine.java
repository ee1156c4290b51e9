package dev.sam.train.infer;

import dev.sam.core.SamException;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Fim;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.adapters.AdapterFiles;
import dev.sam.train.nativelib.GenSettings;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeGenerator;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.SpecialTokens;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Chat inference on a base model with optional LoRA adapters — the one engine behind {@code sam eval},
 * {@code sam generate}, deploy's generation check and {@code sam serve}. Messages go through the Qwen2.5
 * chat template with the generation prompt; generation stops at {@code <|im_end|>} or
 * {@code <|endoftext|>} (neither is part of the answer). Thread-safe: the model and the adapters are
 * shared read-only (samtrain.h, "Threading"), every request gets its own KV-cache generator; close()
 * waits for running requests.
 *
 * <pre>
 * try (ChatEngine e = ChatEngine.open(home.baseModel("tiny"), runDir.resolve("adapters"))) {
 *     Completion c = e.complete(List.of(new ChatMessage("user", "Hi")), GenerationOptions.greedy(64));
 * }</pre>
 */
public final class ChatEngine implements AutoCloseable {
    private final LoadedBase base;
    private final Tokenizer tokenizer;
    private final NativeModel model;
    private final LoraAdapters adapters;
    private final int maxContext;
    private final List<Integer> stopIds;
    /** Also ends a raw (completion) generation: the FIM tokens a model may emit after the middle. */
    private final List<Integer> rawStopIds;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private ChatEngine(LoadedBase base, LoraAdapters adapters) {
        this.base = base;
        this.tokenizer = base.tokenizer();
        this.model = base.model();
        this.adapters = adapters;
        this.maxContext = base.config().maxPositionEmbeddings();
        List<Integer> stops = new ArrayList<>();
        for (String s : List.of(SpecialTokens.IM_END, SpecialTokens.ENDOFTEXT)) {
            tokenizer.specialTokenId(s).ifPresent(stops::add);
        }
        if (tokenizer.eosToken() != null && !stops.contains(tokenizer.eosTokenId())) {
            stops.add(tokenizer.eosTokenId());
        }
        this.stopIds = List.copyOf(stops);
        List<Integer> raw = new ArrayList<>(stops);
        for (String s : Fim.TOKENS) {
            tokenizer.specialTokenId(s).ifPresent(raw::add);
        }
        this.rawStopIds = List.copyOf(raw);
    }

    /** Opens the base model in {@code baseDir} and, when {@code adapterDir} is not null, its adapters. */
    public static ChatEngine open(Path baseDir, Path adapterDir) {
        try (LoadedBase base = LoadedBase.open(baseDir)) {
            return open(base, adapterDir);
        }
    }

    /** An engine for {@code adapterDir} (null: none) on an already opened, shared base model. */
    public static ChatEngine open(LoadedBase base, Path adapterDir) {
        base.retain();
        try {
            LoraAdapters adapters = adapterDir == null ? null : loadAdapters(base.model(), adapterDir);
            return new ChatEngine(base, adapters);
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }

    /** Loads mlx-lm adapters from a directory (adapter_config.json + adapters.safetensors) onto a model. */
    public static LoraAdapters loadAdapters(NativeModel model, Path adapterDir) {
        Path weights = adapterDir.resolve(AdapterFiles.SAFETENSORS);
        if (!Files.isRegularFile(weights)) {
            String why = Files.isRegularFile(adapterDir.resolve(AdapterFiles.NPZ))
                    ? " (only " + AdapterFiles.NPZ + ", which SAM can check but not load)" : "";
            throw SamException.failure("no " + AdapterFiles.SAFETENSORS + " in " + adapterDir + why,
                    "give an mlx-lm adapter directory with adapters.safetensors and adapter_config.json");
        }
        return LoraAdapters.load(model, AdapterConfig.load(adapterDir).toLoraSpec(), weights);
    }

    /** The whole answer at once. */
    public Completion complete(List<ChatMessage> messages, GenerationOptions o) {
        return stream(messages, o, piece -> { });
    }

    /**
     * Generates, handing each new piece of text to {@code onText} as soon as it is complete (never half a
     * UTF-8 character), and returns the whole answer. {@code onText} runs on the calling thread.
     */
    public Completion stream(List<ChatMessage> messages, GenerationOptions o, Consumer<String> onText) {
        return streamWhile(messages, o, piece -> {
            onText.accept(piece);
            return true;
        });
    }

    /**
     * As {@link #stream}, but {@code onText} may end the generation by answering false (a stop sequence, a
     * client gone): the result then has finish reason "stop" and the text handed out so far, and its prompt
     * count needs no second tokenization.
     */
    public Completion streamWhile(List<ChatMessage> messages, GenerationOptions o, Predicate<String> onText) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the chat engine is closed");
            }
            int[] prompt = tokenizer.encode(ChatTemplate.qwen().apply(messages, true));
            return generate(prompt, o, stopIds, onText);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Continues {@code prompt} as it is, without the chat template (a text completion, e.g. a
     * {@link Fim#psm} prompt); special tokens written in it are read as such. Ends at an end-of-text
     * or end-of-turn token or at one of the FIM tokens, as llama.cpp's infill does.
     */
    public Completion streamRaw(String prompt, GenerationOptions o, Consumer<String> onText) {
        return streamRawWhile(prompt, o, piece -> {
            onText.accept(piece);
            return true;
        });
    }

    /** {@link #streamRaw} that {@code onText} may end early (see {@link #streamWhile}). */
    public Completion streamRawWhile(String prompt, GenerationOptions o, Predicate<String> onText) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the chat engine is closed");
            }
            return generate(tokenizer.encode(prompt), o, rawStopIds, onText);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** True when the tokenizer knows the three FIM tokens as single special tokens (Qwen2.5-Coder's do). */
    public boolean supportsFim() {
        return tokenizer.specialTokenId(Fim.PREFIX).isPresent() && tokenizer.specialTokenId(Fim.SUFFIX).isPresent()
                && tokenizer.specialTokenId(Fim.MIDDLE).isPresent();
    }

    private Completion generate(int[] prompt, GenerationOptions o, List<Integer> stops, Predicate<String> onText) {
        int budget = o.maxTokens();
        if (prompt.length + budget > maxContext) {
            throw SamException.usage("the prompt has " + prompt.length + " tokens; with " + budget
                    + " new tokens it exceeds the model's context of " + maxContext + " tokens",
                    "shorten the prompt or ask for fewer tokens (--max-tokens)");
        }
        GenSettings s = new GenSettings(budget, prompt.length + budget, (float) o.temperature(), (float) o.topP(),
                o.seed(), stops);
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
        List<Integer> ids = new ArrayList<>();
        long t0 = System.nanoTime();
        long t1;
        boolean stopped = false;
        try (NativeGenerator g = NativeGenerator.create(model, adapters, s)) {
            g.prefill(prompt);
            t1 = System.nanoTime();
            for (OptionalInt t = g.next(); t.isPresent() && !stopped; t = stopped ? OptionalInt.empty() : g.next()) {
                ids.add(t.getAsInt());
                String piece = decoder.add(t.getAsInt());
                stopped = !piece.isEmpty() && !onText.test(piece);
            }
        }
        long t2 = System.nanoTime();
        if (!stopped) {
            String rest = decoder.finish();
            if (!rest.isEmpty()) {
                onText.test(rest);
            }
        }
        String finish = !stopped && ids.size() >= budget ? "length" : "stop";
        return new Completion(decoder.text(), ids, prompt.length, ids.size(), finish, (t1 - t0) / 1e6,
                (t2 - t1) / 1e6);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public NativeModel model() {
        return model;
    }

    /** The loaded adapters, or null for the base model alone. */
    public LoraAdapters adapters() {
        return adapters;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (adapters != null) {
                adapters.close();
            }
            base.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
