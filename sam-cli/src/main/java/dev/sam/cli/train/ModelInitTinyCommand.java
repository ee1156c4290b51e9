package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.model.ModelService;
import dev.sam.train.model.ModelWriteResult;
import dev.sam.train.model.TinyModel;
import dev.sam.train.data.CorpusReader;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam model init-tiny [DIR]}: the tiny Qwen2 model with its own byte-level BPE tokenizer. */
@Command(name = "init-tiny", description = {
        "Create the tiny Qwen2 test model with its own small tokenizer.",
        "",
        "A random Qwen2 network (hidden 64, 4 heads / 2 KV heads, tied embeddings) and a",
        "byte-level BPE tokenizer trained on SAM's built-in English + code corpus:",
        "config.json, model.safetensors, tokenizer.json, tokenizer_config.json. For tests,",
        "the quickstart and trying SAM without downloading a model. Without DIR it goes",
        "to SAM_HOME/models/base/tiny (or base/<name> with --name), i.e. it is registered.",
        "", "Example: sam model init-tiny --layers 3 --seed 7"})
public final class ModelInitTinyCommand extends SamSubcommand {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Directory to create (must not exist or be empty).")
    Path dir;

    @Option(names = "--name", description = "Register it as this base model name (default for no DIR: tiny).")
    String name;

    @Option(names = "--layers", description = "Decoder layers (default 2).")
    Integer layers;

    @Option(names = "--hidden", description = "Hidden size, a multiple of 8 (default 64).")
    Integer hidden;

    @Option(names = "--seed", description = "Random seed of the weights (default 0).")
    Long seed;

    @Option(names = "--vocab-merges", paramLabel = "N", description = "BPE merges to learn (default 512).")
    Integer merges;

    @Option(names = "--corpus", paramLabel = "PATH", description = {"Train the tokenizer on these files or directories",
            "instead of the built-in corpus (.jsonl as samples, e.g. $SAM_HOME/training_data; else text)."})
    List<Path> corpus;

    @Override
    public Integer call() {
        var c = ctx();
        TinyModel.Options o = TinyModel.Options.defaults().with(layers, hidden, merges, seed);
        if (corpus != null && !corpus.isEmpty()) {
            o = o.withCorpus(CorpusReader.read(corpus));
        }
        ModelService models = new ModelService(c.home());
        ModelWriteResult r = models.initTiny(dir, name, o, c.out().progress());
        List<String> adopted = models.adoptAsDefault(c.config(), r.registeredAs(), "tiny");
        c.out().result(r, out -> {
            ModelPrint.written(out, "Created tiny model", r);
            ModelPrint.adopted(out, c.home().configFile(), adopted);
            String base = r.registeredAs() != null ? r.registeredAs() : r.path().toString();
            out.println("Next: `sam models` lists it; `sam train" + (adopted.contains("training.default_profile") ? ""
                    : " --profile tiny" + ("tiny".equals(base) ? "" : " --base " + base)) + "` trains on it (the tiny"
                    + " profile adapts every layer and takes seconds).");
        });
        return 0;
    }
}
