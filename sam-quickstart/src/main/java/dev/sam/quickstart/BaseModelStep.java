package dev.sam.quickstart;

import dev.sam.train.model.BaseModelRegistry;
import dev.sam.train.model.ModelFactory;
import dev.sam.train.model.ModelShapes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Step 2: the tiny base model {@link QuickstartModel} under models/base (made once, then reused). */
final class BaseModelStep implements Step {
    @Override
    public String name() {
        return "make the tiny base model";
    }

    @Override
    public String remedy() {
        return "check free disk space in the quickstart directory, or start over with a new --dir";
    }

    @Override
    public Outcome run(QuickstartContext ctx) throws Exception {
        Path dir = ctx.home.baseModel(QuickstartModel.NAME);
        ctx.artefact("base model", dir);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", QuickstartModel.NAME);
        d.put("path", dir.toString());
        if (new BaseModelRegistry(ctx.home).exists(QuickstartModel.NAME)) {
            d.put("reused", true);
            return new Outcome("reusing " + QuickstartModel.NAME + " (" + dir + ")", d);
        }
        ModelFactory.Written w = QuickstartModel.write(dir, ctx.listener);
        d.put("reused", false);
        d.put("shape", ModelShapes.describe(w.config()));
        d.put("params", w.params());
        d.put("vocab_size", w.config().vocabSize());
        return new Outcome(QuickstartModel.NAME + ": random Qwen2 " + ModelShapes.describe(w.config()) + ", "
                + String.format("%,d", w.params()) + " parameters, untied output head, tokenizer trained on SAM's "
                + "corpus and the bundled inputs", d);
    }
}
