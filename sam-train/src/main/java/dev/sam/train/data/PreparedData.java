package dev.sam.train.data;

import dev.sam.train.data.LoadReport;
import dev.sam.train.data.TokenizedDataset;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.data.TrainingRecord;
import java.util.List;

/**
 * The data of one run, ready for the trainer: what was loaded (with skipped lines counted), the
 * deterministic split, the tokenized train and validation sets, and what to tell the user about it.
 * {@code heldOutIsTrain} is true when there was no validation example (tiny data): evaluation then
 * uses the training examples and says so.
 *
 * @param fingerprint SHA-256 over the tokenized examples: a resumed run must see the same data
 * @param pairs       the preference pairs loaded with the samples, as loaded ({@link PreferencePairs} checks,
 *                    splits and tokenizes them for the preference stage and its evaluation)
 */
public record PreparedData(LoadReport load, List<TrainingRecord> trainRecords, List<TrainingRecord> validRecords,
                           TokenizedDataset train, TokenizedDataset valid, boolean heldOutIsTrain,
                           List<String> warnings, String fingerprint, List<PreferenceRecord> pairs) {

    public PreparedData {
        trainRecords = List.copyOf(trainRecords);
        validRecords = List.copyOf(validRecords);
        warnings = List.copyOf(warnings);
        pairs = List.copyOf(pairs);
    }

    /** The same data with other warnings. */
    public PreparedData withWarnings(List<String> other) {
        return new PreparedData(load, trainRecords, validRecords, train, valid, heldOutIsTrain, other, fingerprint, pairs);
    }

    /** The examples held-out losses are measured on (the training ones when there are no others). */
    public List<TokenizedExample> heldOut() {
        return heldOutIsTrain ? train.examples() : valid.examples();
    }

    /** Records of {@link #heldOut()}, for prompts of the generation check. */
    public List<TrainingRecord> heldOutRecords() {
        return heldOutIsTrain ? trainRecords : validRecords;
    }
}
