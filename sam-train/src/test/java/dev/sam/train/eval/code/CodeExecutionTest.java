package dev.sam.train.eval.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Code execution with a canned "model" (fixed answers): correct answers pass, wrong ones fail, and answers
 * that loop, allocate without bound or open a socket are stopped or refused and counted as failed.
 */
class CodeExecutionTest {
    static final CodeLimits LIMITS = new CodeLimits(Duration.ofSeconds(6), 256, "python3");

    static String fenced(CodeTask t, String code) {
        return "Here is the code:\n```" + t.language() + "\n" + code + "```\nIt works.";
    }

    /** A wrong answer: the reference with every return value replaced by a constant of the wrong kind. */
    static String wrong(CodeTask t) {
        return t.language().equals(CodeTask.PYTHON) ? t.solution().replaceAll("return [^\\n]+", "return 'wrong'")
                : t.solution().replaceAll("\\{\\s*\\n", "{ if (1 + 1 == 2) throw new IllegalStateException(\"wrong\");\n");
    }

    @Test
    void everyBundledTaskIsPassedByItsReferenceSolutionAndTheSuiteIsBigEnough() {
        CodeSuite s = CodeSuite.bundled();
        assertTrue(s.tasks().size() >= 40, "tasks: " + s.tasks().size());
        Map<String, Long> byLang = s.tasks().stream().collect(java.util.stream.Collectors.groupingBy(CodeTask::language,
                java.util.stream.Collectors.counting()));
        assertTrue(byLang.get("python") >= 20 && byLang.get("java") >= 20, byLang.toString());
        PassRate r = new CodeExecution(LIMITS).run(s.tasks(), t -> fenced(t, t.solution()));
        assertTrue(r.notes().isEmpty(), "python3 and a JDK are needed by this test: " + r.notes());
        assertEquals(s.tasks().size(), r.tasks());
        assertEquals(s.tasks().size(), r.passed(), () -> r.results().stream().filter(x -> !x.passed())
                .map(x -> x.id() + ": " + x.detail()).toList().toString());
    }

    @Test
    void cannedCorrectAndWrongAnswersGiveTheExpectedPassRate() {
        List<CodeTask> tasks = CodeSuite.bundled().pick(8);
        assertEquals(4, tasks.stream().filter(t -> t.language().equals("java")).count(), "pick alternates languages");
        // the first five right, the last three wrong: 5/8
        Function<CodeTask, String> model = t -> tasks.indexOf(t) < 5 ? fenced(t, t.solution()) : fenced(t, wrong(t));
        PassRate r = new CodeExecution(LIMITS).run(tasks, model);
        assertEquals(8, r.tasks());
        assertEquals(5, r.passed());
        assertEquals(0.625, r.rate(), 1e-12);
        for (TaskResult x : r.results().subList(5, 8)) {
            assertFalse(x.passed());
            assertFalse(x.detail().isBlank());
        }
        // an answer without code, and one that fakes the pass marker and exits early, fail
        PassRate none = new CodeExecution(LIMITS).run(tasks.subList(0, 2), t -> t.language().equals("python")
                ? "import sys\nprint('SAM-TESTS-PASSED x')\nsys.exit(0)" : "I cannot help with that.");
        assertEquals(0, none.passed());
        assertTrue(none.results().get(1).detail().startsWith("does not compile"), none.results().get(1).detail());
    }

    @Test
    void loopingAllocatingAndNetworkingAnswersAreStoppedAndFail() throws IOException {
        CodeTask py = CodeSuite.bundled().tasks().stream().filter(t -> t.id().equals("py_clamp")).findFirst().orElseThrow();
        CodeTask jv = CodeSuite.bundled().tasks().stream().filter(t -> t.id().equals("java_gcd")).findFirst().orElseThrow();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Map<String, String> pyAnswers = Map.of(
                    "loop", "def clamp(x, lo, hi):\n    while True:\n        pass\n",
                    "sleep", "import time\ndef clamp(x, lo, hi):\n    time.sleep(3600)\n",
                    "memory", "def clamp(x, lo, hi):\n    a = []\n    while True:\n        a.append(bytearray(1 << 20))\n",
                    "socket", "import socket\ndef clamp(x, lo, hi):\n    socket.create_connection(('127.0.0.1', " + port
                            + "), timeout=2).sendall(b'leak')\n    return max(lo, min(hi, x))\n",
                    "subprocess", "import subprocess\ndef clamp(x, lo, hi):\n    subprocess.run(['true'])\n"
                            + "    return max(lo, min(hi, x))\n");
            String gcd = "public static long gcd(long a, long b) { while (b != 0) { long t = a % b; a = b; b = t; }"
                    + " return a; }";
            Map<String, String> javaAnswers = Map.of(
                    "loop", "public class Solution { public static long gcd(long a, long b) { while (true) { } } }",
                    "memory", "public class Solution { public static long gcd(long a, long b) { java.util.List<long[]> l ="
                            + " new java.util.ArrayList<>(); while (true) { l.add(new long[1 << 20]); } } }",
                    "socket", "public class Solution { static { try { new java.net.Socket(\"127.0.0.1\", " + port
                            + ").getOutputStream().write(1); } catch (java.io.IOException e) { } } " + gcd + " }",
                    "nio", "public class Solution { static { try { java.nio.channels.SocketChannel.open(new"
                            + " java.net.InetSocketAddress(\"127.0.0.1\", " + port + ")); } catch (java.io.IOException e)"
                            + " { } } " + gcd + " }");
            CodeExecution exec = new CodeExecution(new CodeLimits(Duration.ofSeconds(3), 256, "python3"));
            for (Map.Entry<String, String> a : pyAnswers.entrySet()) {
                long t0 = System.nanoTime();
                PassRate r = exec.run(List.of(py), t -> fenced(t, a.getValue()));
                assertEquals(0, r.passed(), "python " + a.getKey() + ": " + r.results());
                assertTrue(System.nanoTime() - t0 < 20e9, "python " + a.getKey() + " was stopped");
            }
            for (Map.Entry<String, String> a : javaAnswers.entrySet()) {
                PassRate r = exec.run(List.of(jv), t -> fenced(t, a.getValue()));
                assertEquals(0, r.passed(), "java " + a.getKey() + ": " + r.results());
            }
            // nothing reached the test's server
            server.setSoTimeout(200);
            AtomicInteger accepted = new AtomicInteger();
            try {
                server.accept().close();
                accepted.incrementAndGet();
            } catch (SocketTimeoutException expected) {
                // no connection was made
            }
            assertEquals(0, accepted.get(), "an answer reached the network");
        }
    }

    @Test
    void aMissingInterpreterSkipsItsLanguageWithANoteAndTheOtherStillRuns() {
        List<CodeTask> tasks = CodeSuite.bundled().pick(4);
        PassRate r = new CodeExecution(new CodeLimits(Duration.ofSeconds(6), 256, "/nonexistent/python3"))
                .run(tasks, t -> fenced(t, t.solution()));
        assertEquals(1, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().get(0).startsWith("Python tasks skipped: no Python interpreter '/nonexistent/python3'"),
                r.notes().get(0));
        assertEquals(2, r.tasks());
        assertEquals(2, r.passed());
        PassRate nothing = new CodeExecution(new CodeLimits(Duration.ofSeconds(6), 256, "/nonexistent/python3"))
                .run(tasks.stream().filter(t -> t.language().equals("python")).toList(), t -> "x");
        assertNull(nothing.rate(), "no task ran: no rate, not 0");
    }

    @Test
    void aBrokenSuiteFileIsRefusedWithItsLineAndReason() {
        String good = "{\"id\":\"a\",\"language\":\"python\",\"prompt\":\"p\",\"tests\":\"assert True\"}";
        assertEquals(1, CodeSuite.parse(good + "\n\n", "s.jsonl").tasks().size());
        Map<String, String> bad = Map.of(
                good + "\n{\"id\":\"b\"", "line 2 is not valid JSON",
                good + "\n" + good, "line 2 repeats the task id 'a'",
                good.replace("python", "cobol"), "line 1 (a) has language 'cobol', expected python or java",
                good.replace("\"tests\"", "\"test\""), "line 1 has an unknown field 'test'",
                good.replace("\"p\"", "\"\""), "line 1 needs a non-empty string 'prompt'",
                "", "has no tasks",
                "[1]", "line 1 is not a JSON object");
        bad.forEach((text, msg) -> {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.sam.core.SamException.class,
                    () -> CodeSuite.parse(text, "s.jsonl"));
            assertTrue(e.getMessage().startsWith("code suite s.jsonl " + msg), e.getMessage());
        });
    }
}
