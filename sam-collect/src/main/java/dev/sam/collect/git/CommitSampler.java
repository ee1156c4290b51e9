package dev.sam.collect.git;

import dev.sam.collect.Reasons;
import dev.sam.collect.SamplePipeline;
import dev.sam.collect.SamplePipeline.Prepared;
import dev.sam.collect.Source;
import dev.sam.core.model.Sample;
import dev.sam.core.sample.SampleOrigin;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Turns commits into prepared samples or reject reasons, a batch at a time on a pool thread (diffing,
 * scrubbing and hashing are the expensive part; every batch has its own ObjectReader, as JGit requires).
 */
final class CommitSampler {
    /** A commit's fate: a reject reason, a prepared sample, or neither (older than --since). */
    record Outcome(String reject, Prepared prepared) {
    }

    private static final Outcome SKIPPED = new Outcome(null, null);
    private static final Set<String> DOC_OR_CONFIG = Set.of("md", "markdown", "txt", "rst", "adoc", "json", "yaml",
            "yml", "toml", "ini", "cfg", "conf", "properties", "xml", "csv", "lock");

    private final Repository repo;
    private final String name;
    private final Long since;
    private final int maxDiffLines;
    private final SamplePipeline pipeline;
    private final CommitPrompt prompt;
    private final java.util.regex.Pattern ticket;

    CommitSampler(Repository repo, String name, Long since, int maxDiffLines, SamplePipeline pipeline,
                  CommitPrompt prompt, java.util.regex.Pattern ticket) {
        this.repo = repo;
        this.name = name;
        this.since = since;
        this.maxDiffLines = maxDiffLines;
        this.pipeline = pipeline;
        this.prompt = prompt;
        this.ticket = ticket;
    }

    /** Outcomes in the order of {@code part}; called from pool threads (each batch has its own reader). */
    List<Outcome> slice(List<ObjectId[]> part) throws IOException {
        List<Outcome> out = new ArrayList<>(part.size());
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader);
             CommitDiffer differ = new CommitDiffer(repo)) {
            for (ObjectId[] ids : part) {
                try {
                    out.add(sample(rw, differ, rw.parseCommit(ids[0])));
                } catch (MissingObjectException e) {
                    // a shallow clone's boundary: the parent is not there to diff against
                    out.add(new Outcome(Reasons.UNREADABLE, null));
                }
            }
        }
        return out;
    }

    private Outcome sample(RevWalk rw, CommitDiffer differ, RevCommit c) throws IOException {
        if (since != null && c.getCommitTime() < since) {
            return SKIPPED;
        }
        if (c.getParentCount() > 1) {
            return new Outcome(Reasons.MERGE, null);
        }
        PersonIdent author = c.getAuthorIdent();
        String tool = ToolCommits.reason(author.getName(), author.getEmailAddress(), c.getFullMessage());
        if (tool != null) {
            return new Outcome(tool, null);
        }
        CommitMessage cleaned = CommitMessage.of(c.getFullMessage(), ticket);
        String message = cleaned.target();
        if (CommitFilters.isTrivial(message)) {
            return new Outcome(Reasons.TRIVIAL_MESSAGE, null);
        }
        RevCommit parent = c.getParentCount() == 0 ? null : rw.parseCommit(c.getParent(0));
        CommitDiffer.Diff diff = differ.diff(c, parent, maxDiffLines);
        if (diff.huge()) {
            return new Outcome(Reasons.HUGE_DIFF, null);
        }
        int changed = 0;
        int textFiles = 0;
        int added = 0;
        int removed = 0;
        boolean onlyDocs = true;
        for (FileChange f : diff.files()) {
            if (f.hasText()) {
                textFiles++;
                changed += f.changed();
                added += f.added();
                removed += f.removed();
                onlyDocs &= DOC_OR_CONFIG.contains(extension(f.path()));
            }
        }
        if (changed > maxDiffLines) {
            return new Outcome(Reasons.HUGE_DIFF, null);
        }
        if (textFiles == 0) {
            // only binary, lockfile, vendored or generated paths: nothing a message could describe from the diff
            return new Outcome(Reasons.NO_SOURCE_CHANGES, null);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("repo", name);
        meta.put("commit", c.name());
        meta.put("date", author.getWhenAsInstant().atZone(author.getZoneId()).toOffsetDateTime().toString());
        meta.put("files", diff.files().size());
        meta.put("added", added);
        meta.put("removed", removed);
        meta.put("template", CommitPrompt.template(c.name()));
        // what the model cannot know from the diff (PR numbers, sign-offs, ticket ids) stays findable here
        cleaned.removed().forEach((k, v) -> meta.put("removed_" + k, v));
        List<String> paths = diff.files().stream().filter(FileChange::hasText).map(FileChange::path).toList();
        Sample candidate = Sample.alpaca(null, null, CommitFilters.quality(message, changed, onlyDocs), null,
                prompt.instruction(c.name(), paths), DiffRenderer.render(diff.files(), pipeline::scrubText), message, meta)
                .withOrigin(SampleOrigin.commit(name, c.name()));
        return new Outcome(null, pipeline.prepare(Source.COMMITS, candidate));
    }

    private static String extension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }
}
