package dev.comfy4j.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The last 300 writes to standard output and standard error, for {@code /internal/logs} (API spec
 * §11.11). slf4j-simple prints to {@code System.err}, so every log line lands here. Each completed line
 * is one entry; text flushed without a newline is an entry of its own, and a later write starting with
 * {@code \r} replaces it (progress bars), as ComfyUI's log interceptor does. Credentials are masked
 * in what reaches the terminal and the capture alike.
 *
 * <p>The standard streams belong to the process, so one tee is installed once and feeds every open
 * capture; {@link #close()} detaches this one.
 */
public final class LogCapture implements AutoCloseable {
    /** One entry: local time in Python's isoformat and the text written. */
    public record Entry(String t, String m) {}

    public static final int CAPACITY = 300;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final List<LogCapture> ACTIVE = new CopyOnWriteArrayList<>();
    private static boolean teeInstalled;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final List<Entry> sinceFlush = new ArrayList<>();
    private final List<Consumer<List<Entry>>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService pusher;
    private static volatile boolean jsonLines;

    private LogCapture() {}

    /** A capture fed by the process's standard output and error from now on. */
    public static LogCapture attachToStandardStreams() {
        LogCapture capture = new LogCapture();
        installTee();
        ACTIVE.add(capture);
        return capture;
    }

    /** A capture fed only through {@link #append} (tests). */
    public static LogCapture detached() {
        return new LogCapture();
    }

    /**
     * Routes standard output and error through the masking tee now (idempotent): {@code Main} calls
     * it first thing, so that nothing the process prints escapes the masking.
     */
    public static void installMasking() {
        installTee();
    }

    /**
     * {@code --log-format json}: from now on the standard streams get one JSON object a line
     * ({@link JsonLogLines}); {@code /internal/logs} keeps the plain text ComfyUI's clients expect.
     */
    public static void useJsonLines(boolean json) {
        jsonLines = json;
    }

    private static synchronized void installTee() {
        if (teeInstalled) return;
        teeInstalled = true;
        System.setOut(new PrintStream(new Tee(System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(System.err), true, StandardCharsets.UTF_8));
    }

    /** Records one write. */
    public synchronized void append(String text) {
        Entry entry = new Entry(now(), text);
        sinceFlush.add(entry);
        Entry last = entries.peekLast();
        if (text.startsWith("\r") && last != null && !last.m().endsWith("\n")) entries.pollLast();
        entries.addLast(entry);
        while (entries.size() > CAPACITY) entries.pollFirst();
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Calls {@code listener} with the entries written since the previous call, a few times a second, on a
     * thread of its own (so that logging while sending cannot recurse).
     */
    public synchronized void onNewEntries(Consumer<List<Entry>> listener) {
        listeners.add(listener);
        if (pusher == null) {
            pusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "log-push");
                t.setDaemon(true);
                return t;
            });
            pusher.scheduleWithFixedDelay(this::push, 200, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void push() {
        List<Entry> batch;
        synchronized (this) {
            if (sinceFlush.isEmpty()) return;
            batch = List.copyOf(sinceFlush);
            sinceFlush.clear();
        }
        for (Consumer<List<Entry>> l : listeners) {
            try {
                l.accept(batch);
            } catch (RuntimeException e) {
                // A failing listener must not stop the others; it is not logged, which would feed the loop.
            }
        }
    }

    static String now() {
        LocalDateTime t = LocalDateTime.now();
        int micros = t.getNano() / 1000;
        String base = SECONDS.format(t);
        return micros == 0 ? base : base + String.format(".%06d", micros);
    }

    @Override
    public synchronized void close() {
        ACTIVE.remove(this);
        if (pusher != null) pusher.shutdownNow();
    }

    /**
     * Copies every line to the original stream and to the active captures, with credentials masked
     * ({@link SecretMask}): a line is held until its newline (or a flush), so that a secret is never
     * written out before the whole line was seen.
     */
    private static final class Tee extends OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tee(PrintStream original) {
            this.original = original;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') emit();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i + 1 - start);
                    emit();
                    start = i + 1;
                }
            }
            line.write(b, start, off + len - start);
        }

        @Override
        public synchronized void flush() {
            if (line.size() > 0) emit();
            original.flush();
        }

        private void emit() {
            String text = SecretMask.mask(line.toString(StandardCharsets.UTF_8));
            line.reset();
            String printed = jsonLines ? JsonLogLines.format(text, LogContext.current()) : text;
            byte[] bytes = printed.getBytes(StandardCharsets.UTF_8);
            original.write(bytes, 0, bytes.length);
            original.flush();
            for (LogCapture c : ACTIVE) c.append(text);
        }
    }
}
