package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.SamException;
import dev.sam.train.gguf.GgmlType;
import dev.sam.train.gguf.GgufExport;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam export gguf RUN|VERSION|BASE --out FILE.gguf}: one GGUF file for llama.cpp and Ollama. */
@Command(name = "gguf", description = {
        "Write a model as one GGUF file for llama.cpp (and Ollama with --ollama).",
        "",
        "RUN or VERSION: the base with the adapters fused in (as `sam model fuse` computes it);",
        "BASE: a registered base model alone. The file is GGUF v3 with llama.cpp's qwen2",
        "metadata, the tokenizer (BPE tokens, merges, token types, bos/eos/pad ids, chat",
        "template) and tensors named and laid out as convert_hf_to_gguf.py writes them:",
        "norms and biases f32, matrices f16 or q8_0 (ggml's 32-value blocks). --ollama also",
        "writes a Modelfile beside it (FROM, ChatML TEMPLATE, stop tokens, PARAMETERs).",
        "Existing files are replaced only with --force; written whole or not at all.",
        "",
        "Examples:",
        "  sam export gguf active --out ~/gguf/sam.gguf --type q8_0 --ollama",
        "  llama-cli -m ~/gguf/sam.gguf -cnv",
        "  cd ~/gguf && ollama create sam -f Modelfile && ollama run sam"})
public final class ExportGgufCommand extends SamSubcommand {
    @Parameters(paramLabel = "RUN|VERSION|BASE", description = "A run id, a version such as v1.0.3 or \"active\", or "
            + "a base model name.")
    String source;

    @Option(names = "--out", required = true, paramLabel = "FILE.gguf", description = "The file to write.")
    Path out;

    @Option(names = "--type", defaultValue = "f16", paramLabel = "f16|q8_0|q4_0", description = "Type of the "
            + "matrices: f16 (default), q8_0 (about half the size), q4_0 (about a quarter, requantized: lossy), or f32.")
    String type;

    @Option(names = "--ollama", description = "Also write an Ollama Modelfile beside the file.")
    boolean ollama;

    @Option(names = "--force", description = "Replace an existing file (and Modelfile).")
    boolean force;

    @Override
    public Integer call() {
        var c = ctx();
        GgmlType t = switch (type.toLowerCase(Locale.ROOT)) {
            case "f16" -> GgmlType.F16;
            case "q8_0" -> GgmlType.Q8_0;
            case "q4_0" -> GgmlType.Q4_0;
            case "f32" -> GgmlType.F32;
            default -> throw SamException.usage("unknown --type '" + type + "'", "use f16, q8_0 or q4_0 (or f32)");
        };
        GgufExport.Result r = new GgufExport(c.home(), c.config()).export(new GgufExport.Request(source, out, t, ollama,
                force), c.out().progress());
        c.out().result(r, w -> {
            w.println("exported " + r.source() + " to " + r.out() + " (GGUF v3, qwen2, " + r.type() + ")");
            w.println("  " + r.tensors() + " tensors, " + r.metadataKeys() + " metadata keys, " + ModelPrint.bytes(r.bytes())
                    + "; " + r.fusedWeights() + " weights with adapters fused; pre-tokenizer " + r.preTokenizer());
            if (r.modelfile() != null) {
                w.println("  Modelfile: " + r.modelfile());
                w.println("next: cd " + Path.of(r.modelfile()).getParent() + " && ollama create NAME -f Modelfile");
            } else {
                w.println("next: llama-cli -m " + r.out() + " -cnv   (or llama-server -m " + r.out() + ")");
            }
        });
        return 0;
    }
}
