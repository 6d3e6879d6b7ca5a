package io.tessera.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic generator of realistic shop traffic in Segment's format: visitors browse
 * anonymously on one or two devices, view and add products, some log in (identify with email), some
 * order; the mobile app sends analytics-java batch envelopes. A few records are bad on purpose, and
 * a few are redelivered, as real pipelines see.
 */
public final class ShopTraffic {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PRODUCTS = {
        "sneaker-air",
        "trail-runner",
        "rain-jacket",
        "wool-socks",
        "yoga-mat",
        "water-bottle",
        "backpack-20l",
        "running-cap"
    };
    private static final String[] CATEGORIES = {"shoes", "apparel", "outdoor", "fitness"};
    private static final String[] PAGES = {"Home", "Category", "Search", "Product", "Cart"};

    /**
     * One Kafka record to produce.
     *
     * @param key the record key
     * @param value the JSON value
     * @param messages how many Segment messages it holds (a batch holds several)
     * @param expectedReason the dead-letter reason it is made to have, {@code duplicate} for a
     *     redelivery, or null for a valid record
     */
    public record Record(String key, String value, int messages, String expectedReason) {}

    private record Timed(Instant at, Record record) {}

    private final Random random;

    /** Draws for articles apart, so adding them left the rest of the traffic as it was. */
    private final Random articles;

    private final Instant start;
    private final Duration span;
    private final List<Timed> timed = new ArrayList<>();
    private final List<Record> records = new ArrayList<>();
    private int messageCounter;
    private String messageIdPrefix = "msg-";
    private boolean personalizeSdk;
    private boolean batches = true;
    private boolean keyedByPerson;
    private boolean sharedKiosk = true;

    private ShopTraffic(long seed, Instant start, Duration span) {
        this.random = new Random(seed);
        this.articles = new Random(seed ^ 0x5EEDL);
        this.start = start;
        this.span = span;
    }

    /**
     * Generates the traffic of {@code users} visitors with event times spread over {@code span}
     * from {@code start}, in event-time order.
     */
    public static List<Record> generate(long seed, int users, Instant start, Duration span) {
        return generate(seed, 0, users, start, span);
    }

    /** The same, for the visitors numbered from {@code firstUser} (others than another run's). */
    public static List<Record> generate(
            long seed, int firstUser, int users, Instant start, Duration span) {
        return generate(seed, firstUser, users, start, span, false);
    }

    /**
     * The same; with {@code personalizeSdk}, the shop runs the Personalize SDK in the browser and
     * sends its user uid with every message ({@code context.personalize.userUid}), so a visitor is
     * a Personalize user before logging in and a login merges that user into the user id.
     */
    public static List<Record> generate(
            long seed,
            int firstUser,
            int users,
            Instant start,
            Duration span,
            boolean personalizeSdk) {
        ShopTraffic traffic = new ShopTraffic(seed, start, span);
        traffic.personalizeSdk = personalizeSdk;
        return traffic.build(firstUser, users);
    }

    /**
     * Traffic whose outcome does not depend on when the job reads it (the chaos runs' traffic): no
     * late events (the app sends each message as a record of its own when it happens, not a batch
     * whose first events are older than the records before it) and no races between partitions (a
     * person's second device writes under the person's key, so the event that links the devices
     * comes after the first device's events in one partition; and no kiosk shared by people who
     * write under their own keys, where the first to use it would win). With the Personalize SDK.
     */
    public static List<Record> inOrder(long seed, int users, Instant start, Duration span) {
        ShopTraffic traffic = new ShopTraffic(seed, start, span);
        traffic.personalizeSdk = true;
        traffic.batches = false;
        traffic.keyedByPerson = true;
        traffic.sharedKiosk = false;
        return traffic.build(0, users);
    }

    private List<Record> build(int firstUser, int users) {
        ShopTraffic traffic = this;
        // message ids of their own too, or another run's would be dropped as redeliveries
        traffic.messageIdPrefix = firstUser == 0 ? "msg-" : "msg-" + firstUser + "-";
        for (int user = firstUser; user < firstUser + users; user++) {
            traffic.visitor(user, users);
        }
        traffic.timed.sort(java.util.Comparator.comparing(Timed::at));
        traffic.timed.forEach(t -> traffic.records.add(t.record()));
        traffic.addBadRecordsAndRedeliveries();
        return List.copyOf(traffic.records);
    }

    private void visitor(int user, int users) {
        String anonymousId = "anon-" + Integer.toHexString(0x10000 + user * 7919);
        String device = "web-" + user;
        long offset = (long) (random.nextDouble() * span.toMillis() * 0.8);
        Instant t = start.plusMillis(offset);
        boolean mobile = random.nextInt(4) == 0;
        boolean logsIn = random.nextInt(3) == 0;
        String userId = "user-" + (1000 + user);
        List<ObjectNode> session = new ArrayList<>();
        int views = 1 + random.nextInt(5);
        session.add(page(anonymousId, device, PAGES[random.nextInt(PAGES.length)], t));
        for (int i = 0; i < views; i++) {
            t = t.plusSeconds(5 + random.nextInt(40));
            session.add(track("Product Viewed", anonymousId, device, product(), t));
        }
        if (articles.nextInt(4) == 0) {
            // a reader of the shop's magazine
            t = t.plusSeconds(30 + articles.nextInt(120));
            ObjectNode article = base("track", anonymousId, device, t);
            article.put("event", "Article Completed");
            article.putObject("properties")
                    .put("article_id", "article-" + articles.nextInt(40))
                    .put("category", CATEGORIES[articles.nextInt(CATEGORIES.length)]);
            session.add(article);
        }
        if (random.nextInt(2) == 0) {
            t = t.plusSeconds(10 + random.nextInt(60));
            session.add(track("Product Added", anonymousId, device, product(), t));
        }
        if (logsIn) {
            t = t.plusSeconds(20);
            ObjectNode identify = base("identify", anonymousId, device, t);
            identify.put("userId", userId);
            ObjectNode traits = identify.putObject("traits");
            traits.put("email", "Shopper" + user + "@Mail.example.org");
            traits.put("firstName", "Shopper " + user);
            session.add(identify);
            if (random.nextInt(2) == 0) {
                t = t.plusSeconds(30 + random.nextInt(120));
                ObjectNode order = track("Order Completed", anonymousId, device, product(), t);
                order.put("userId", userId);
                ObjectNode properties = (ObjectNode) order.get("properties");
                properties.put("order_id", "order-" + user);
                properties.put("revenue", 20 + random.nextInt(300));
                properties.put("currency", "USD");
                session.add(order);
            }
        }
        if (mobile && batches) {
            addBatch(session, anonymousId);
        } else {
            session.forEach(
                    m ->
                            add(
                                    anonymousId,
                                    m,
                                    1,
                                    Instant.parse(m.get("originalTimestamp").asText())));
        }
        if (user % 10 == 0) {
            // A second device of the same person: anonymous browsing first (its own profile),
            // then an event that names the email, which merges it into the person's profile.
            Instant appStart = start.plusMillis(offset).plusSeconds(30);
            String appAnonymousId = "anon-app-" + user;
            String appDevice = "ios-" + user;
            String appKey = keyedByPerson ? anonymousId : appAnonymousId;
            add(
                    appKey,
                    track("Product Viewed", appAnonymousId, appDevice, product(), appStart),
                    1,
                    appStart);
            Instant later = t.plusSeconds(60);
            ObjectNode view = track("Product Viewed", appAnonymousId, appDevice, product(), later);
            ((ObjectNode) view.get("context"))
                    .putObject("traits")
                    .put("email", "shopper" + user + "@mail.example.org");
            add(appKey, view, 1, later);
        }
        if (sharedKiosk && logsIn && user % 25 == 5) {
            // Logins on a shared in-store kiosk: the kiosk may not link different user ids.
            Instant kiosk = t.plusSeconds(90);
            ObjectNode identify = base("identify", "kiosk-session-" + user, "store-kiosk-1", kiosk);
            identify.put("userId", userId);
            add("kiosk", identify, 1, kiosk);
        }
    }

    private void addBatch(List<ObjectNode> session, String key) {
        ObjectNode envelope = JSON.createObjectNode();
        ArrayNode batch = envelope.putArray("batch");
        for (ObjectNode message : session) {
            // The envelope carries context and sentAt; receivedAt is set by a collector later.
            message.remove("context");
            message.remove("sentAt");
            message.remove("receivedAt");
            batch.add(message);
        }
        String last = session.get(session.size() - 1).get("originalTimestamp").asText();
        envelope.put("sentAt", last);
        ObjectNode context = envelope.putObject("context");
        context.putObject("library").put("name", "analytics-java").put("version", "3.5.1");
        context.putObject("device").put("id", "android-" + key).put("type", "android");
        add(key, envelope, session.size(), Instant.parse(last));
    }

    private void addBadRecordsAndRedeliveries() {
        List<Record> bad = new ArrayList<>();
        Instant t = start.plus(span.dividedBy(2));
        bad.add(new Record("bad", "{\"type\":\"track\",\"event\":", 1, "malformed_json"));
        bad.add(new Record("bad", "{\"type\":\"fly\",\"anonymousId\":\"anon-x\"}", 1, "bad_type"));
        bad.add(
                new Record(
                        "bad",
                        "{\"type\":\"track\",\"anonymousId\":\"anon-x\",\"timestamp\":\""
                                + t
                                + "\"}",
                        1,
                        "missing_event"));
        bad.add(
                new Record(
                        "bad",
                        "{\"type\":\"page\",\"anonymousId\":\"undefined\",\"timestamp\":\""
                                + t
                                + "\"}",
                        1,
                        "no_identifier"));
        bad.add(
                new Record(
                        "bad",
                        "{\"type\":\"page\",\"anonymousId\":\"anon-x\",\"timestamp\":"
                                + "\"2099-01-01T00:00:00Z\"}",
                        1,
                        "bad_timestamp"));
        bad.add(
                new Record(
                        "bad",
                        "{\"type\":\"page\",\"anonymousId\":\"anon-x\",\"timestamp\":\""
                                + t
                                + "\",\"properties\":{\"blob\":\""
                                + "x".repeat(40 * 1024)
                                + "\"}}",
                        1,
                        "too_large"));
        int stride = Math.max(1, records.size() / (bad.size() + 1));
        List<Record> mixed = new ArrayList<>(records);
        for (int i = 0; i < bad.size(); i++) {
            mixed.add(Math.min(mixed.size(), (i + 1) * stride + i), bad.get(i));
        }
        // Redeliveries: an at-least-once producer sends a few records again, later.
        int redeliveries = Math.max(1, records.size() / 50);
        for (int i = 0; i < redeliveries; i++) {
            Record original = records.get(random.nextInt(records.size()));
            int at = Math.min(mixed.size(), mixed.indexOf(original) + 5);
            mixed.add(
                    at,
                    new Record(original.key(), original.value(), original.messages(), "duplicate"));
        }
        records.clear();
        records.addAll(mixed);
    }

    private ObjectNode page(String anonymousId, String device, String name, Instant t) {
        ObjectNode page = base("page", anonymousId, device, t);
        page.put("name", name);
        page.putObject("properties").put("path", "/" + name.toLowerCase());
        return page;
    }

    private ObjectNode track(
            String event, String anonymousId, String device, String product, Instant t) {
        ObjectNode track = base("track", anonymousId, device, t);
        track.put("event", event);
        ObjectNode properties = track.putObject("properties");
        properties.put("product_id", product);
        properties.put("category", CATEGORIES[Math.abs(product.hashCode()) % CATEGORIES.length]);
        properties.put("price", 10 + Math.abs(product.hashCode()) % 150);
        return track;
    }

    private ObjectNode base(String type, String anonymousId, String device, Instant t) {
        ObjectNode message = JSON.createObjectNode();
        message.put("type", type);
        message.put("messageId", messageIdPrefix + (++messageCounter));
        message.put("anonymousId", anonymousId);
        message.put("originalTimestamp", t.toString());
        message.put("sentAt", t.plusMillis(120).toString());
        message.put("receivedAt", t.plusMillis(180).toString());
        ObjectNode context = message.putObject("context");
        context.putObject("library").put("name", "analytics.js").put("version", "2.11.1");
        context.putObject("device").put("id", device);
        context.put("userAgent", "Mozilla/5.0 (X11; Linux x86_64)");
        if (personalizeSdk) {
            context.putObject("personalize").put("userUid", "pz-" + anonymousId);
        }
        return message;
    }

    private String product() {
        return PRODUCTS[random.nextInt(PRODUCTS.length)];
    }

    private void add(String key, ObjectNode value, int messages, Instant at) {
        timed.add(new Timed(at, new Record(key, value.toString(), messages, null)));
    }
}
