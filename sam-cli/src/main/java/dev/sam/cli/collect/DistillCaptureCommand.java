package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.collect.distill.DistillReport;
import dev.sam.collect.distill.DistillService;
import dev.sam.core.SamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam distill capture}: one session from stdin or a file. */
@Command(name = "capture",
        description = {"Capture one assistant session from stdin or --file.",
                "The JSON object (a capture, see `sam distill --help`, or an OpenAI {\"messages\"} or",
                "ShareGPT {\"conversations\"} transcript) is scrubbed, stored in the",
                "distillation database and turned into samples at once. A document that is not",
                "a valid capture fails (exit 1).",
                "",
                "Example:  my-assistant --last-session --json | sam distill capture",
                ""})
public final class DistillCaptureCommand extends SamSubcommand {
    @Option(names = "--file", paramLabel = "FILE", description = "Read the JSON document from FILE instead of stdin.")
    Path file;

    @Override
    public Integer call() {
        var c = ctx();
        String text;
        String origin;
        try {
            if (file != null) {
                if (!Files.isRegularFile(file)) {
                    throw SamException.usage(file + " is not a file", "pass the JSON document with --file FILE");
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
                origin = file.toString();
            } else {
                text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                origin = "stdin";
            }
        } catch (IOException e) {
            throw SamException.failure("cannot read " + (file == null ? "stdin" : file) + ": " + e.getMessage(),
                    file == null ? null : "check its permissions");
        }
        DistillReport r = new DistillService(c.home(), c.config(), c.db()).capture(text, origin);
        DistillImportCommand.print(c, r);
        return 0;
    }
}
