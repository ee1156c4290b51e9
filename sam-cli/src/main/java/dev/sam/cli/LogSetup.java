package dev.sam.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Logging goes to {@code SAM_HOME/logs/sam.log} (rolled at 10 MB, 3 kept), never to the terminal
 * unless -v: stdout and stderr belong to the user's output. Configured once the home is known.
 */
final class LogSetup {
    private static boolean done;

    private LogSetup() {
    }

    static synchronized void toFile(Path logsDir, boolean verbose) {
        if (done) {
            return;
        }
        done = true;
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();

        RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("file");
        file.setFile(logsDir.resolve("sam.log").toString());
        FixedWindowRollingPolicy roll = new FixedWindowRollingPolicy();
        roll.setContext(ctx);
        roll.setParent(file);
        roll.setFileNamePattern(logsDir.resolve("sam.%i.log").toString());
        roll.setMinIndex(1);
        roll.setMaxIndex(3);
        roll.start();
        SizeBasedTriggeringPolicy<ch.qos.logback.classic.spi.ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(ctx);
        size.setMaxFileSize(FileSize.valueOf("10MB"));
        size.start();
        file.setRollingPolicy(roll);
        file.setTriggeringPolicy(size);
        file.setEncoder(encoder(ctx, "%d{ISO8601} %-5level [%thread] %logger{24} - %msg%n"));
        file.start();
        root.addAppender(file);
        root.setLevel(verbose ? Level.DEBUG : Level.INFO);

        if (verbose) {
            ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(ctx);
            console.setTarget("System.err");
            console.setEncoder(encoder(ctx, "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n"));
            console.start();
            root.addAppender(console);
        }
        // Chatty libraries stay at INFO even with -v.
        ctx.getLogger("org.eclipse.jgit").setLevel(Level.INFO);
        ctx.getLogger("ai.djl").setLevel(Level.WARN);
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(pattern);
        enc.start();
        return enc;
    }
}
