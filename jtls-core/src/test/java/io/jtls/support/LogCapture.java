package io.jtls.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures what a {@link System.Logger} (and the loggers under its name) writes while open,
 * one {@code LEVEL: message} line per record, with stack traces after it as JUL's
 * SimpleFormatter prints them. System.Logger's default backend is JUL; the module does not read
 * java.logging, so JUL is reached reflectively (core reflection needs no readability).
 */
public final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Object logger;
    private final Object handler;
    private final Object previousLevel;

    /** Captures everything ({@code ALL}: stack traces logged only at DEBUG included). */
    public LogCapture(String name) {
        this(name, "ALL");
    }

    /** Captures records at {@code julLevel} ({@code "INFO"}, {@code "FINE"} for DEBUG, ...) and above. */
    public LogCapture(String name, String julLevel) {
        try {
            Class<?> loggerClass = Class.forName("java.util.logging.Logger");
            Class<?> levelClass = Class.forName("java.util.logging.Level");
            Class<?> handlerClass = Class.forName("java.util.logging.Handler");
            Class<?> formatterClass = Class.forName("java.util.logging.Formatter");
            Object all = levelClass.getField(julLevel).get(null);
            logger = loggerClass.getMethod("getLogger", String.class).invoke(null, name);
            previousLevel = loggerClass.getMethod("getLevel").invoke(logger);
            Object formatter = Class.forName("java.util.logging.SimpleFormatter").getConstructor().newInstance();
            handler = Class.forName("java.util.logging.StreamHandler")
                    .getConstructor(java.io.OutputStream.class, formatterClass).newInstance(out, formatter);
            handlerClass.getMethod("setLevel", levelClass).invoke(handler, all);
            loggerClass.getMethod("setLevel", levelClass).invoke(logger, all);
            loggerClass.getMethod("addHandler", handlerClass).invoke(logger, handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything captured so far. */
    public String text() {
        try {
            Class.forName("java.util.logging.Handler").getMethod("flush").invoke(handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The captured records' {@code LEVEL: message} lines that contain {@code fragment}. */
    public List<String> lines(String fragment) {
        return text().lines().filter(l -> l.matches("^[A-Z]+: .*") && l.contains(fragment)).toList();
    }

    @Override
    public void close() {
        try {
            Class<?> handlerClass = Class.forName("java.util.logging.Handler");
            handlerClass.getMethod("flush").invoke(handler);
            logger.getClass().getMethod("removeHandler", handlerClass).invoke(logger, handler);
            logger.getClass().getMethod("setLevel", Class.forName("java.util.logging.Level")).invoke(logger, previousLevel);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
