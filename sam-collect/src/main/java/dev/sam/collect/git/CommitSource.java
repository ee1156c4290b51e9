package dev.sam.collect.git;

import dev.sam.collect.Collector;
import dev.sam.collect.InOrderPool;
import dev.sam.collect.SamplePipeline;
import dev.sam.collect.Source;
import dev.sam.core.SamException;
import dev.sam.core.progress.ProgressListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Commit-message samples from git history (JGit, no git binary): for each new non-merge commit on
 * HEAD that a person wrote ({@link ToolCommits}), an instruction ({@link CommitPrompt}) with a compact
 * diff as input and the cleaned message ({@link CommitMessage}) as output. Commits are walked oldest first (topological), diffed in parallel ({@link InOrderPool}), and committed in chunks
 * together with a cursor: the set of tips of what is done, so an interrupted run resumes where it
 * stopped and a finished one leaves just HEAD.
 *
 * <pre>new CommitSource(repos, sinceEpochSeconds, 2000, null).collect(pipeline, progress);</pre>
 */
public final class CommitSource implements Collector {
    /** Commits stored per checkpoint (with the cursor): a multiple of BATCH. */
    private static final int CHUNK = 512;
    /** Commits per pool task: large enough to amortise a task's reader, small enough to balance two cores. */
    private static final int BATCH = 16;

    private final List<Repository> repos;
    private final Long since;
    private final int maxDiffLines;
    private final java.util.regex.Pattern ticket;

    /**
     * @param since        commit time (epoch seconds) before which commits are ignored; null for all
     * @param ticketPrefix regex of a ticket prefix removed from subjects (collect.ticket_prefix), or null
     */
    public CommitSource(List<Repository> repos, Long since, int maxDiffLines, String ticketPrefix) {
        this.repos = repos;
        this.since = since;
        this.maxDiffLines = maxDiffLines;
        this.ticket = CommitMessage.ticketPattern(ticketPrefix);
    }

    @Override
    public void collect(SamplePipeline p, ProgressListener progress) {
        try (InOrderPool pool = InOrderPool.forCpus("sam-commits")) {
            for (Repository repo : repos) {
                collect(repo, p, progress, pool);
            }
        }
    }

    private void collect(Repository repo, SamplePipeline p, ProgressListener progress, InOrderPool pool) {
        String key = GitRepos.key(repo);
        String name = GitRepos.name(repo);
        try {
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head == null) {
                p.note(Source.COMMITS, "repository " + name + " (" + repo.getDirectory() + ") has no commits yet");
                return;
            }
            Set<ObjectId> tips = parseTips(p.store().cursor(Source.COMMITS, key));
            List<ObjectId[]> todo = walk(repo, head, tips);
            p.scanned(Source.COMMITS, todo.size());
            progress.start("commits " + name, todo.size());
            CommitSampler sampler = new CommitSampler(repo, name, since, maxDiffLines, p,
                    todo.isEmpty() ? null : CommitPrompt.of(repo), ticket);
            int[] done = {0};
            // workers diff and prepare the next batches while this thread stores the earlier ones, in order
            pool.run(todo, BATCH, sampler::slice, (batch, outcomes) -> {
                for (CommitSampler.Outcome o : outcomes) {
                    if (o.reject() != null) {
                        p.reject(Source.COMMITS, o.reject());
                    } else if (o.prepared() != null) {
                        p.offer(o.prepared());
                    }
                }
                for (ObjectId[] c : batch) {
                    for (int i = 1; i < c.length; i++) {
                        tips.remove(c[i]);
                    }
                    tips.add(c[0]);
                }
                done[0] += batch.size();
                if (done[0] % CHUNK == 0 || done[0] == todo.size()) {
                    p.cursor(Source.COMMITS, key, joinTips(tips));
                    p.checkpoint();
                    progress.update(done[0], p.report(Source.COMMITS, null).added() + " added");
                }
            });
            p.cursor(Source.COMMITS, key, head.name());
            p.checkpoint();
            progress.finish(todo.isEmpty() ? "up to date" : null);
        } catch (java.io.InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw SamException.failure("interrupted while reading " + name, null);
        } catch (IOException e) {
            throw SamException.failure("cannot read the history of " + repo.getDirectory() + ": " + e.getMessage(),
                    "check the repository with `git fsck`; samples collected so far are kept");
        }
    }

    /** Commits reachable from HEAD and not from the tips, parents first: each as {id, parents…}. */
    private static List<ObjectId[]> walk(Repository repo, ObjectId head, Set<ObjectId> tips) throws IOException {
        List<ObjectId[]> out = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.setRetainBody(false);
            walk.sort(RevSort.TOPO);
            walk.sort(RevSort.REVERSE, true);
            walk.markStart(walk.parseCommit(head));
            for (ObjectId tip : tips) {
                try {
                    walk.markUninteresting(walk.parseCommit(tip));
                } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                    // history was rewritten and the old tip is gone: its commits are walked again, dedup drops them
                }
            }
            for (RevCommit c : walk) {
                ObjectId[] ids = new ObjectId[1 + c.getParentCount()];
                ids[0] = c.copy();
                for (int i = 0; i < c.getParentCount(); i++) {
                    ids[i + 1] = c.getParent(i).copy();
                }
                out.add(ids);
            }
        }
        return out;
    }

    private static Set<ObjectId> parseTips(String cursor) {
        Set<ObjectId> tips = new LinkedHashSet<>();
        if (cursor != null) {
            for (String s : cursor.split(",")) {
                if (ObjectId.isId(s.strip())) {
                    tips.add(ObjectId.fromString(s.strip()));
                }
            }
        }
        return tips;
    }

    private static String joinTips(Set<ObjectId> tips) {
        return String.join(",", tips.stream().map(ObjectId::name).sorted().toList());
    }
}
