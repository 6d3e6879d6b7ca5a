package io.tessera.profileapi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The profile API's store: the live profiles of {@code cdp.profiles}, the alias log of {@code
 * cdp.profile-merges}, an index of identifiers and the members of each audience, in RocksDB (the
 * RocksDB build Flink's state backend uses). Each record is applied in one write batch with the
 * offset after it, so after a crash the store and its offsets agree and reading resumes there.
 *
 * <p>Snapshots of two profiles of a merge sit on different partitions and can be read in either
 * order; the index is kept so that any order ends the same: an identifier of a profile merged away
 * moves to the profile it resolves to, and the alias of a merge re-indexes the winner.
 */
final class ProfileStore implements AutoCloseable {
    /** Most merges followed from an id to its live profile (a longer chain is a loop). */
    static final int MAX_HOPS = 64;

    private static final byte[] OFFSET_PREFIX = bytes("offset\u0000");
    private static final String SEPARATOR = "\u0000";

    static {
        RocksDB.loadLibrary();
    }

    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    private final WriteOptions writeOptions;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDB db;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle profiles;
    private final ColumnFamilyHandle aliases;
    private final ColumnFamilyHandle identifiers;
    private final ColumnFamilyHandle members;
    private final ColumnFamilyHandle sizes;

    /** A live profile: its id, its snapshot and the id asked for when that one was merged away. */
    record Found(String id, byte[] snapshot, String resolvedFrom) {}

    /** An audience member and the time it entered. */
    record Member(String profileId, String since) {}

    /** A page of members, and the profile id to continue after (null on the last page). */
    record Page(List<Member> members, String continueAfter) {}

    private ProfileStore(Path dir) throws RocksDBException, IOException {
        Files.createDirectories(dir);
        options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        familyOptions = new ColumnFamilyOptions();
        writeOptions = new WriteOptions();
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
        for (String name : List.of("profiles", "aliases", "identifiers", "members", "sizes")) {
            families.add(new ColumnFamilyDescriptor(bytes(name), familyOptions));
        }
        handles = new ArrayList<>();
        db = RocksDB.open(options, dir.toString(), families, handles);
        meta = handles.get(0);
        profiles = handles.get(1);
        aliases = handles.get(2);
        identifiers = handles.get(3);
        members = handles.get(4);
        sizes = handles.get(5);
    }

    /** Opens the store in {@code dir}, creating it when it does not exist. */
    static ProfileStore open(Path dir) throws IOException {
        try {
            return new ProfileStore(dir);
        } catch (RocksDBException e) {
            throw new IOException("cannot open the profile store in " + dir, e);
        }
    }

    /**
     * A profile's snapshot (its previous one replaced), read at {@code partition}/{@code offset}.
     */
    synchronized void putProfile(
            String id, byte[] snapshot, ProfileDocument document, String partition, long offset)
            throws RocksDBException, IOException {
        ProfileDocument old = document(id);
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(profiles, bytes(id), snapshot);
            for (String identifier : document.identifiers()) {
                batch.put(identifiers, bytes(identifier), bytes(id));
            }
            for (String identifier : old.identifiers()) {
                if (!document.identifiers().contains(identifier)
                        && id.equals(string(db.get(identifiers, bytes(identifier))))) {
                    batch.delete(identifiers, bytes(identifier));
                }
            }
            moveMemberships(batch, id, old.audiences(), document.audiences());
            offset(batch, partition, offset);
            db.write(writeOptions, batch);
        }
    }

    /**
     * A profile's tombstone: merged away or deleted. Its identifiers move to the profile its id now
     * resolves to, when that one holds them; else they are removed.
     */
    synchronized void deleteProfile(String id, String partition, long offset)
            throws RocksDBException, IOException {
        ProfileDocument old = document(id);
        try (WriteBatch batch = new WriteBatch()) {
            batch.delete(profiles, bytes(id));
            byte[] alias = db.get(aliases, bytes(id));
            String heir = alias == null ? null : live(string(alias));
            ProfileDocument heirs = heir == null ? ProfileDocument.NONE : document(heir);
            for (String identifier : old.identifiers()) {
                if (id.equals(string(db.get(identifiers, bytes(identifier))))) {
                    if (heirs.identifiers().contains(identifier)) {
                        batch.put(identifiers, bytes(identifier), bytes(heir));
                    } else {
                        batch.delete(identifiers, bytes(identifier));
                    }
                }
            }
            moveMemberships(batch, id, old.audiences(), Map.of());
            offset(batch, partition, offset);
            db.write(writeOptions, batch);
        }
    }

    /** A merge: {@code loser} resolves to {@code winner} from now on. */
    synchronized void putAlias(String loser, String winner, String partition, long offset)
            throws RocksDBException, IOException {
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(aliases, bytes(loser), bytes(winner));
            String heir = live(winner);
            if (heir != null) {
                // the winner's snapshot may have been read before the loser's last one
                for (String identifier : document(heir).identifiers()) {
                    byte[] holder = db.get(identifiers, bytes(identifier));
                    if (holder == null || live(string(holder)) == null) {
                        batch.put(identifiers, bytes(identifier), bytes(heir));
                    }
                }
            }
            offset(batch, partition, offset);
            db.write(writeOptions, batch);
        }
    }

    /** A merge's tombstone (the alias log compacted away after a privacy delete). */
    synchronized void deleteAlias(String loser, String partition, long offset)
            throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            batch.delete(aliases, bytes(loser));
            offset(batch, partition, offset);
            db.write(writeOptions, batch);
        }
    }

    /** A record passed over (it could not be read): only its offset is kept. */
    synchronized void skip(String partition, long offset) throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            offset(batch, partition, offset);
            db.write(writeOptions, batch);
        }
    }

    /** The offset to read next, by partition ({@code topic/partition}). */
    Map<String, Long> offsets() {
        Map<String, Long> offsets = new TreeMap<>();
        try (RocksIterator it = db.newIterator(meta)) {
            for (it.seek(OFFSET_PREFIX);
                    it.isValid() && startsWith(it.key(), OFFSET_PREFIX);
                    it.next()) {
                String partition =
                        string(Arrays.copyOfRange(it.key(), OFFSET_PREFIX.length, it.key().length));
                offsets.put(partition, ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return offsets;
    }

    /** The live profile an id is or was merged into, if any. */
    Optional<Found> profile(String id) throws RocksDBException {
        String live = live(id);
        if (live == null) {
            return Optional.empty();
        }
        byte[] snapshot = db.get(profiles, bytes(live));
        return snapshot == null
                ? Optional.empty() // deleted at this very moment
                : Optional.of(new Found(live, snapshot, live.equals(id) ? null : id));
    }

    /** The live profile holding an identifier ({@code type:value}), if any. */
    Optional<Found> lookup(String identifier) throws RocksDBException {
        byte[] holder = db.get(identifiers, bytes(identifier));
        return holder == null ? Optional.empty() : profile(string(holder)).map(this::asHolder);
    }

    private Found asHolder(Found found) {
        return new Found(found.id(), found.snapshot(), null);
    }

    /** Every audience a profile ever entered, with its number of members now. */
    SortedMap<String, Long> audienceSizes() {
        SortedMap<String, Long> all = new TreeMap<>();
        try (RocksIterator it = db.newIterator(sizes)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                all.put(string(it.key()), ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return all;
    }

    /** Up to {@code limit} members of an audience in profile id order, after {@code after}. */
    Page members(String audience, String after, int limit) {
        byte[] prefix = bytes(audience + SEPARATOR);
        List<Member> page = new ArrayList<>();
        try (RocksIterator it = db.newIterator(members)) {
            it.seek(after == null ? prefix : bytes(audience + SEPARATOR + after));
            if (after != null
                    && it.isValid()
                    && string(it.key()).equals(audience + SEPARATOR + after)) {
                it.next();
            }
            for (; it.isValid() && startsWith(it.key(), prefix); it.next()) {
                if (page.size() == limit) {
                    return new Page(page, page.get(page.size() - 1).profileId());
                }
                String profileId =
                        string(Arrays.copyOfRange(it.key(), prefix.length, it.key().length));
                page.add(new Member(profileId, string(it.value())));
            }
        }
        return new Page(page, null);
    }

    /** The id of the live profile {@code id} is or was merged into, or null. */
    private String live(String id) throws RocksDBException {
        String current = id;
        for (int hop = 0; hop <= MAX_HOPS; hop++) {
            if (db.get(profiles, bytes(current)) != null) {
                return current;
            }
            byte[] next = db.get(aliases, bytes(current));
            if (next == null) {
                return null;
            }
            current = string(next);
        }
        return null;
    }

    private ProfileDocument document(String id) throws RocksDBException, IOException {
        byte[] snapshot = db.get(profiles, bytes(id));
        return snapshot == null ? ProfileDocument.NONE : ProfileDocument.parse(snapshot);
    }

    private void moveMemberships(
            WriteBatch batch, String id, Map<String, String> before, Map<String, String> after)
            throws RocksDBException {
        Set<String> audiences = new HashSet<>(before.keySet());
        audiences.addAll(after.keySet());
        for (String audience : audiences) {
            byte[] key = bytes(audience + SEPARATOR + id);
            String since = after.get(audience);
            if (since != null) {
                batch.put(members, key, bytes(since));
            } else {
                batch.delete(members, key);
            }
            int change = (since != null ? 1 : 0) - (before.containsKey(audience) ? 1 : 0);
            if (change != 0) {
                byte[] size = db.get(sizes, bytes(audience));
                long now = (size == null ? 0 : ByteBuffer.wrap(size).getLong()) + change;
                batch.put(sizes, bytes(audience), ByteBuffer.allocate(8).putLong(now).array());
            }
        }
    }

    private void offset(WriteBatch batch, String partition, long offset) throws RocksDBException {
        byte[] key = concat(OFFSET_PREFIX, bytes(partition));
        batch.put(meta, key, ByteBuffer.allocate(8).putLong(offset + 1).array());
    }

    @Override
    public synchronized void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        writeOptions.close();
        familyOptions.close();
        options.close();
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length
                && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
