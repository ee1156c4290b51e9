package dev.sam.collect;

import dev.sam.collect.git.GitRepos;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.Repository;

/**
 * The inputs of one collection, resolved (flags over config.yaml) and checked before anything is
 * touched: every repository opens, every doc root and routing log exists and is readable. Paths in
 * config.yaml may start with ~ and are otherwise relative to SAM_HOME.
 */
final class CollectInputs implements AutoCloseable {
    final List<Repository> repos = new ArrayList<>();
    final List<Path> docRoots = new ArrayList<>();
    final List<Path> routingLogs = new ArrayList<>();
    final Long since;

    private CollectInputs(Long since) {
        this.since = since;
    }

    /** Resolves and checks only what the selected sources read (a moved repo does not block `--source distill`). */
    static CollectInputs resolve(CollectRequest req, Set<Source> selected, SamConfig config, SamHome home, Clock clock) {
        SamConfig.Collect c = config.collect();
        Long since = req.since() != null ? Since.parse(req.since(), clock)
                : selected.contains(Source.COMMITS) ? Since.parse(c.since(), clock, "config.yaml collect.since") : null;
        CollectInputs in = new CollectInputs(since);
        try {
            boolean cli = req.repos() != null;
            boolean needRepos = selected.contains(Source.COMMITS) || selected.contains(Source.CODE)
                    || selected.contains(Source.DOCS);
            for (Path p : needRepos ? paths(req.repos(), c.repos(), home) : List.<Path>of()) {
                in.repos.add(GitRepos.open(p, cli ? "--repo" : "config.yaml collect.repos:", cli));
            }
            cli = req.docs() != null;
            for (Path p : selected.contains(Source.DOCS) ? paths(req.docs(), c.docs(), home) : List.<Path>of()) {
                in.docRoots.add(existing(p, cli ? "--docs" : "config.yaml collect.docs:", cli, false));
            }
            cli = req.routingLogs() != null;
            for (Path p : selected.contains(Source.ROUTING) ? paths(req.routingLogs(), c.routingLogs(), home)
                    : List.<Path>of()) {
                in.routingLogs.add(existing(p, cli ? "--routing-log" : "config.yaml collect.routing_logs:", cli, true));
            }
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
        return in;
    }

    /** Why a source cannot run with these inputs, or null when it can. */
    String missing(Source s) {
        return switch (s) {
            case COMMITS, CODE -> repos.isEmpty()
                    ? "no repositories: pass --repo PATH or set collect.repos in config.yaml" : null;
            case DOCS -> repos.isEmpty() && docRoots.isEmpty()
                    ? "no repositories or doc roots: pass --repo PATH / --docs PATH or set collect.docs in config.yaml"
                    : null;
            case ROUTING -> routingLogs.isEmpty()
                    ? "no routing logs: pass --routing-log FILE or set collect.routing_logs in config.yaml" : null;
            case DISTILL -> null;
        };
    }

    private static List<Path> paths(List<Path> flag, List<String> configured, SamHome home) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        if (flag != null) {
            flag.forEach(p -> out.add(p.toAbsolutePath().normalize()));
        } else {
            for (String s : configured) {
                String v = s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s;
                out.add(home.root().resolve(v).toAbsolutePath().normalize());
            }
        }
        return List.copyOf(out);
    }

    private static Path existing(Path p, String origin, boolean cli, boolean file) {
        if (!Files.exists(p)) {
            throw cli ? SamException.usage(origin + " " + p + " does not exist", "check the path")
                    : SamException.failure(origin + " " + p + " does not exist", "fix or remove it in config.yaml");
        }
        if (file && Files.isDirectory(p)) {
            throw SamException.usage(origin + " " + p + " is a directory", "pass the JSONL file itself");
        }
        if (!Files.isReadable(p)) {
            throw SamException.failure(origin + " " + p + " is not readable", "check its permissions");
        }
        return p;
    }

    @Override
    public void close() {
        repos.forEach(Repository::close);
    }
}
