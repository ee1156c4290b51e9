package dev.sam.collect;

import java.util.List;
import java.util.Map;

/**
 * What one source did in one run.
 *
 * @param source     command-line name (commits, code, docs, distill, routing)
 * @param dir        its directory and manifest key (commits, code_patterns, knowledge, distillation, routing)
 * @param skipped    why it did not run (no input configured), else null
 * @param scanned    inputs looked at: commits, files, sections, captures or log lines
 * @param candidates samples proposed (added + rejected)
 * @param added      samples added (or, in a dry run, that would be added)
 * @param pairs      DPO preference pairs added
 * @param rejects    rejected candidates by reason
 * @param notes      things the user should know (an empty repository, unreadable files, …)
 */
public record SourceReport(String source, String dir, String skipped, long scanned, long candidates, long added,
                           long pairs, Map<String, Long> rejects, List<String> notes) {

    public long rejected() {
        return rejects.values().stream().mapToLong(Long::longValue).sum();
    }
}
