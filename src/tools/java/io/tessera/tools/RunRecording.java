package io.tessera.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A Java Flight Recording of one measured run ({@code ./tessera bench --record DIR}): the JDK's
 * {@code profile} settings (execution samples every 10 ms, each thread's CPU load, compilations,
 * garbage collections), written when the run's measured part ends. Only what runs in this JVM is
 * recorded: the bench's Flink MiniCluster, its in-process broker and the Personalize simulator.
 */
final class RunRecording implements AutoCloseable {
    private final Recording recording;
    private final Path file;
    private boolean stopped;

    private RunRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts recording to {@code file} (its directory is created). */
    static RunRecording start(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Recording recording;
        try {
            recording = new Recording(Configuration.getConfiguration("profile"));
        } catch (ParseException e) {
            throw new IllegalStateException("the JDK's JFR 'profile' settings cannot be read", e);
        }
        recording.setName("tessera-bench " + file.getFileName());
        recording.setToDisk(true);
        recording.start();
        return new RunRecording(recording, file);
    }

    /** Stops recording and writes the file; once. Returns the file. */
    Path stop() throws IOException {
        if (!stopped) {
            stopped = true;
            recording.stop();
            recording.dump(file);
            recording.close();
        }
        return file;
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
