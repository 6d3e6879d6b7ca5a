package io.tessera.tools;

import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.RawRecord;
import io.tessera.ingest.SegmentMessageParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a file of Segment messages, one JSON record per line (a message or a batch envelope), with
 * the same parser as the Kafka source. A dead letter names the file as its topic, partition 0 and
 * the line number as its offset. Lines are read as bytes so invalid UTF-8 reaches the dead letters
 * unchanged.
 */
public final class SegmentFileFormat extends SimpleStreamFormat<IngestRecord> {
    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final SegmentMessageParser parser;

    /** A format naming its records' origin {@code sourceName}. */
    public SegmentFileFormat(String sourceName, SegmentMessageParser parser) {
        this.sourceName = sourceName;
        this.parser = parser;
    }

    @Override
    public Reader<IngestRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new LineReader(stream);
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return TypeInformation.of(IngestRecord.class);
    }

    private final class LineReader implements Reader<IngestRecord> {
        private final InputStream in;
        private final Deque<IngestRecord> pending = new ArrayDeque<>();
        private long lineNumber;

        LineReader(InputStream in) {
            this.in = in;
        }

        @Override
        public IngestRecord read() throws IOException {
            while (pending.isEmpty()) {
                byte[] line = nextLine();
                if (line == null) {
                    return null;
                }
                if (!isBlank(line)) {
                    parser.parse(
                            new RawRecord(null, line, sourceName, 0, lineNumber, null),
                            pending::add);
                }
            }
            return pending.poll();
        }

        private byte[] nextLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b = in.read();
            if (b < 0) {
                return null;
            }
            lineNumber++;
            while (b >= 0 && b != '\n') {
                line.write(b);
                b = in.read();
            }
            byte[] bytes = line.toByteArray();
            int length = bytes.length;
            if (length > 0 && bytes[length - 1] == '\r') {
                return java.util.Arrays.copyOf(bytes, length - 1);
            }
            return bytes;
        }

        private boolean isBlank(byte[] line) {
            for (byte b : line) {
                if (b != ' ' && b != '\t') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
