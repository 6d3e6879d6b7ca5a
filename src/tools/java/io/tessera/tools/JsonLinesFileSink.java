package io.tessera.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Appends each element as one JSON line to a local file, for {@code ./tessera replay}. Run it at
 * parallelism 1: the file is one file, in stream order. Not fault tolerant (a replay that fails is
 * run again from the start).
 */
public final class JsonLinesFileSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final SerializableFunction<T, ObjectNode> toJson;

    /** A sink appending {@code toJson(element)} lines to the file. */
    public JsonLinesFileSink(Path file, SerializableFunction<T, ObjectNode> toJson) {
        this.file = file.toString();
        this.toJson = toJson;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        // Bytes from Jackson's UTF-8 generator, as the Kafka sinks write them: it escapes
        // surrogates, so a lone one the parser accepted (an escaped "\ud800") is written as it
        // came, where a UTF-8 text writer would fail on it.
        OutputStream out =
                new BufferedOutputStream(
                        Files.newOutputStream(
                                Path.of(file),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND));
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                out.write(JSON.writeValueAsBytes(toJson.apply(element)));
                out.write('\n');
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
