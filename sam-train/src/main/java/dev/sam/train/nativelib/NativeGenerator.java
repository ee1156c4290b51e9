package dev.sam.train.nativelib;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Pull-based generation with a KV cache: prefill a prompt, then take tokens one by one (so a server
 * can stream them). Each generator is independent; many may run on one model in parallel threads.
 *
 * <pre>try (NativeGenerator g = NativeGenerator.create(model, adapters, settings)) { g.prefill(ids); g.next(); }</pre>
 */
public final class NativeGenerator implements AutoCloseable {
    private Pointer handle;
    private final Memory stopIds;
    private boolean finished;

    private NativeGenerator(Pointer handle, Memory stopIds) {
        this.handle = handle;
        this.stopIds = stopIds;
    }

    public static NativeGenerator create(NativeModel model, LoraAdapters adapters, GenSettings s) {
        SamTrainLibrary.GenConfigStruct c = new SamTrainLibrary.GenConfigStruct();
        c.max_new_tokens = s.maxNewTokens();
        c.max_context = s.maxContext();
        c.temperature = s.temperature();
        c.top_p = s.topP();
        c.seed = s.seed();
        Memory stops = null;
        if (!s.stopIds().isEmpty()) {
            stops = new Memory(4L * s.stopIds().size());
            for (int i = 0; i < s.stopIds().size(); i++) {
                stops.setInt(4L * i, s.stopIds().get(i));
            }
        }
        c.stop_ids = stops;
        c.num_stop_ids = s.stopIds().size();
        PointerByReference out = new PointerByReference();
        Natives.check(Natives.lib().sam_gen_create(model.handle(), adapters == null ? null : adapters.handle(), c, out),
                "start generation");
        return new NativeGenerator(out.getValue(), stops);
    }

    /** Starts (or restarts) from a prompt. */
    public void prefill(int[] ids) {
        Natives.check(Natives.lib().sam_gen_prefill(handle(), ids, ids.length), "read the prompt");
        finished = false;
    }

    /** The next token, or empty once a stop id came or the token budget is used up. */
    public OptionalInt next() {
        if (finished) {
            return OptionalInt.empty();
        }
        IntByReference tok = new IntByReference();
        IntByReference done = new IntByReference();
        Natives.check(Natives.lib().sam_gen_next(handle(), tok, done), "generate");
        // The last token of the budget comes together with done = 1; a stop id comes as -1.
        finished = done.getValue() != 0;
        return tok.getValue() >= 0 ? OptionalInt.of(tok.getValue()) : OptionalInt.empty();
    }

    /**
     * Teacher-forced logits of a known continuation through the decode path (the products
     * {@link #next()} runs, in the decode precision set): row i, {@code vocab} floats from
     * {@code i * vocab}, is the distribution of {@code continuation[i]} after the prompt and the tokens
     * before it. For parity studies of a decode precision. Prefill again to reuse the generator.
     */
    public float[] score(int[] prompt, int[] continuation, int vocab) {
        prefill(prompt);
        float[] logits = new float[continuation.length * vocab];
        Natives.check(Natives.lib().sam_gen_score(handle(), continuation, continuation.length, logits),
                "score a continuation");
        finished = true;
        return logits;
    }

    /** Prefills and generates to the end. */
    public List<Integer> generate(int[] prompt) {
        prefill(prompt);
        List<Integer> out = new ArrayList<>();
        for (OptionalInt t = next(); t.isPresent(); t = next()) {
            out.add(t.getAsInt());
        }
        return out;
    }

    private Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("generator is closed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            Natives.lib().sam_gen_free(handle);
            handle = null;
        }
        if (stopIds != null) {
            stopIds.close();
        }
    }
}
