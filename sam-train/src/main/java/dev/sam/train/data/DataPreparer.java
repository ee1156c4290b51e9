package dev.sam.train.data;

import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.train.data.DatasetSplit;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.LoadReport;
import dev.sam.train.data.LoadedData;
import dev.sam.train.data.TokenizedDataset;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.data.TrainingDataLoader;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Data steps of the pipeline (original training_pipeline.py: load → validate → split 90/10 → tokenize):
 * every {@code training_data/<source>/*.jsonl} line is parsed and validated (bad lines are skipped and
 * counted by reason, never fatal), split deterministically by content hash, and tokenized through the
 * chat template with the prompt masked. Warnings say what was skipped, cut or assumed.
 *
 * <pre>PreparedData d = new DataPreparer(home).prepare(loaded, tokenizer, 512, 0.1);</pre>
 */
public final class DataPreparer {
    /** The validation share of a run's data: 90/10, as the original pipeline split (docs/formats.md). */
    public static final double VALID_FRACTION = 0.1;

    private final SamHome home;

    public DataPreparer(SamHome home) {
        this.home = home;
    }

    /** Every valid record under training_data/ (none: an empty result). */
    public LoadedData load() {
        return TrainingDataLoader.of(home).load();
    }

    public PreparedData prepare(LoadedData loaded, Tokenizer tokenizer, int maxSeqLength, double validFraction) {
        List<String> warnings = new ArrayList<>(loadWarnings(loaded.report()));
        if (loaded.records().isEmpty()) {
            throw SamException.failure("no training samples in " + home.trainingData()
                    + (loaded.report().skipped() > 0 ? " (" + loaded.report().skipped() + " lines were unusable: "
                    + reasons(loaded.report()) + ")" : ""), "collect data with `sam collect`, or put JSONL samples"
                    + " ({\"messages\": [...]} or {\"instruction\", \"output\"}) under " + home.trainingData());
        }
        DatasetSplit.Result split = new DatasetSplit(validFraction).split(loaded.records());
        List<TrainingRecord> train = new ArrayList<>(split.train());
        List<TrainingRecord> valid = new ArrayList<>(split.valid());
        if (train.isEmpty()) {
            train.addAll(valid);
            valid.clear();
        }
        ExampleTokenizer et = new ExampleTokenizer(tokenizer, ChatTemplate.qwen(), maxSeqLength);
        TokenizedDataset t = et.tokenize(train);
        TokenizedDataset v = et.tokenize(valid);
        if (t.truncationWarning() != null) {
            warnings.add("training set: " + t.truncationWarning());
        }
        if (v.truncationWarning() != null) {
            warnings.add("validation set: " + v.truncationWarning());
        }
        if (t.examples().isEmpty()) {
            throw SamException.failure("no training example is left after tokenization (" + t.droppedNoTargets()
                    + " dropped: cutting them at max_seq_length " + maxSeqLength + " removed the whole answer)",
                    "raise --max-seq, or shorten the prompts of the samples");
        }
        boolean heldOutIsTrain = v.examples().isEmpty();
        if (heldOutIsTrain) {
            warnings.add("no validation example: with " + loaded.records().size() + " sample(s) the 90/10 split left"
                    + " the validation side empty, so held-out numbers are measured on the training examples"
                    + " (they show fit, not generalization)");
        }
        return new PreparedData(loaded.report(), train, valid, t, v, heldOutIsTrain, warnings,
                fingerprint(t.examples(), v.examples()), loaded.pairs());
    }

    static List<String> loadWarnings(LoadReport r) {
        List<String> out = new ArrayList<>();
        if (r.skipped() > 0) {
            out.add(r.skipped() + " of " + r.lines() + " lines skipped (" + reasons(r) + "); first: "
                    + r.skippedDetails().stream().limit(3).collect(Collectors.joining("; ")));
        }
        return out;
    }

    private static String reasons(LoadReport r) {
        return new java.util.TreeMap<>(r.skippedByReason()).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    static String fingerprint(List<TokenizedExample> train, List<TokenizedExample> valid) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (List<TokenizedExample> l : List.of(train, valid)) {
                d.update(ByteBuffer.allocate(4).putInt(l.size()).array());
                for (TokenizedExample e : l) {
                    ByteBuffer b = ByteBuffer.allocate(4 + 4 * e.length());
                    b.putInt(e.length());
                    for (int id : e.tokens()) {
                        b.putInt(id);
                    }
                    d.update(b.array());
                    d.update(e.mask());
                }
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
