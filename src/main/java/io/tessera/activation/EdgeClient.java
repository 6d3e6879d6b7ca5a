package io.tessera.activation;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Edge API calls from Flink's Async I/O with {@link HttpClient}. The calls of one profile go
 * out one at a time, in order (the next starts when the previous ended), so an older PATCH never
 * lands after a newer one. Failed attempts are retried by the {@link RetryPolicy}; what cannot be
 * delivered ends as an undelivered {@link EdgeOutcome} for the dead letters, never dropped.
 *
 * <p>A call that holds its place in the Async I/O queue past the operator's timeout ({@code
 * cdp.activation.queue-timeout}: the edge is down, or slow) is parked: it leaves the queue and goes
 * on being retried here, its profile's later calls still behind it, kept in this function's
 * operator state at a checkpoint and sent again after a restore. Its outcome goes out with the next
 * call's. A queue whose head never completed would hold the task inside the operator, where no
 * checkpoint barrier, aligned or not, is taken (Async I/O waits for room without running the task's
 * checkpoint mails): parking keeps it moving, so checkpoints complete through an outage.
 *
 * <p>The client runs its own steps, and this function's steps after an answer, on the thread that
 * got to them (its selector, or the thread that sent): none of them blocks (completing a result
 * hands it to the task's mailbox; a retry is scheduled on a thread of its own). Its default
 * executor, a thread pool, handed each answer's steps to another thread, which cost as much CPU as
 * the calls themselves (docs/performance.md).
 */
final class EdgeClient extends RichAsyncFunction<EdgeRequest, EdgeOutcome>
        implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeClient.class);

    private static final long serialVersionUID = 1L;
    private static final int EXCERPT = 512;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final List<String> CALLS =
            List.of(EdgeRequest.ATTRIBUTES, EdgeRequest.MERGE, EdgeRequest.EVENTS);
    private static final List<String> CLASSES = List.of("2xx", "4xx", "429", "5xx", "error");

    /** The dead-letter reason of a call whose user uid cannot be sent in a header. */
    static final String UNSENDABLE_UID = "unsendable_uid";

    private final ActivationSettings settings;

    private transient HttpClient http;
    private transient ScheduledExecutorService scheduler;
    private transient RateLimiter limiter;
    private transient RetryPolicy retry;
    private transient Map<String, CompletableFuture<EdgeOutcome>> lastCallOfProfile;
    private transient Map<String, Counter> requests;
    private transient Counter retries;
    private transient Counter deadLetters;
    private transient DescriptiveStatisticsHistogram latency;
    private transient AtomicInteger inFlight;
    private transient volatile boolean closed;
    // the queue's calls not yet ended, by the result each must complete (whoever removes the entry,
    // the call ending or the queue's timeout, decides where its outcome goes)
    private transient Map<ResultFuture<EdgeOutcome>, CompletableFuture<EdgeOutcome>> inQueue;
    // parked calls still being tried, in the order they were parked, and outcomes of ended ones
    private transient Map<CompletableFuture<EdgeOutcome>, EdgeRequest> parked;
    private transient java.util.Queue<EdgeOutcome> parkedOutcomes;
    private transient volatile Throwable parkedFailure;
    private transient ListState<EdgeRequest> parkedState;
    private transient ListState<EdgeOutcome> parkedOutcomesState;
    // parked calls restored, started again at open: a checkpoint taken between a call's parking
    // and the queue giving up its place holds it twice, and the queue's copy must not be sent again
    private transient List<EdgeRequest> resumedParked;
    private transient Counter parkedCalls;

    EdgeClient(ActivationSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(settings.requestTimeout())
                        .executor(Runnable::run)
                        .build();
        scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "tessera-edge-retries");
                            thread.setDaemon(true);
                            return thread;
                        });
        int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        limiter = new RateLimiter(settings.rateLimit() / subtasks);
        retry =
                new RetryPolicy(
                        settings.backoffInitial(), settings.backoffMax(), settings.retryBudget());
        lastCallOfProfile = new ConcurrentHashMap<>();
        inFlight = new AtomicInteger();

        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("activation");
        requests = new ConcurrentHashMap<>();
        for (String call : CALLS) {
            for (String statusClass : CLASSES) {
                requests.put(
                        call + "." + statusClass,
                        metrics.addGroup("requests")
                                .addGroup(call)
                                .counter(statusClass, new ThreadSafeSimpleCounter()));
            }
        }
        retries = metrics.counter("retries", new ThreadSafeSimpleCounter());
        deadLetters = metrics.counter("deadLetters", new ThreadSafeSimpleCounter());
        latency = metrics.histogram("latencyMs", new DescriptiveStatisticsHistogram(10_000));
        metrics.gauge("inFlight", inFlight::get);
        parkedCalls = metrics.counter("parked", new ThreadSafeSimpleCounter());
        metrics.gauge("parkedNow", () -> parked.size());
        inQueue = new ConcurrentHashMap<>();
        for (EdgeRequest request : resumedParked) {
            park(request, start(request));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        parked = Collections.synchronizedMap(new java.util.LinkedHashMap<>());
        parkedOutcomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        parkedState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "parked-calls", TypeInformation.of(EdgeRequest.class)));
        parkedOutcomesState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "parked-outcomes", TypeInformation.of(EdgeOutcome.class)));
        resumedParked = new ArrayList<>();
        parkedState.get().forEach(resumedParked::add);
        parkedOutcomesState.get().forEach(parkedOutcomes::add);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        synchronized (parked) {
            parkedState.update(new ArrayList<>(parked.values()));
        }
        parkedOutcomesState.update(new ArrayList<>(parkedOutcomes));
    }

    @Override
    public void close() {
        // Calls not ended stay in the operator's checkpointed queue and are sent again after a
        // restore; this instance stops sending and retrying them.
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public void asyncInvoke(EdgeRequest request, ResultFuture<EdgeOutcome> result) {
        Throwable failure = parkedFailure;
        if (failure != null) {
            throw new IllegalStateException("a parked Edge API call failed", failure);
        }
        if (!resumedParked.isEmpty() && resumedParked.remove(request)) {
            result.complete(takeParkedOutcomes()); // already resumed out of the queue
            return;
        }
        CompletableFuture<EdgeOutcome> call = start(request);
        inQueue.put(result, call);
        call.whenComplete(
                (outcome, error) -> {
                    if (inQueue.remove(result) == null) {
                        return; // parked meanwhile: its outcome goes with a later call's
                    }
                    if (error != null) {
                        result.completeExceptionally(error); // a bug of ours: fail the job
                    } else {
                        List<EdgeOutcome> outcomes = takeParkedOutcomes();
                        outcomes.add(outcome);
                        result.complete(outcomes);
                    }
                });
    }

    /**
     * The queue's timeout: the call is still being tried (or waits behind its profile's earlier
     * one). It is parked, and its place in the queue given up.
     */
    @Override
    public void timeout(EdgeRequest request, ResultFuture<EdgeOutcome> result) {
        CompletableFuture<EdgeOutcome> call = inQueue.get(result);
        if (call == null) {
            return; // it ended at this very moment: it completes the result itself
        }
        park(request, call);
        if (inQueue.remove(result) == null) {
            parked.remove(call); // it ended after all, and went out through the queue
            return;
        }
        parkedCalls.inc();
        result.complete(takeParkedOutcomes());
    }

    /** Starts a call behind its profile's earlier one. */
    private CompletableFuture<EdgeOutcome> start(EdgeRequest request) {
        CompletableFuture<EdgeOutcome> call = new CompletableFuture<>();
        inFlight.incrementAndGet();
        lastCallOfProfile.compute(
                request.profileId(),
                (profile, previous) -> {
                    CompletableFuture<?> before = previous == null ? DONE : previous;
                    before.whenComplete(
                            (ignored, error) ->
                                    attempt(request, 1, System.currentTimeMillis(), call));
                    return call;
                });
        call.whenComplete(
                (outcome, error) -> {
                    lastCallOfProfile.remove(request.profileId(), call);
                    inFlight.decrementAndGet();
                });
        return call;
    }

    /** Keeps a call out of the queue: its outcome waits for the next call's. */
    private void park(EdgeRequest request, CompletableFuture<EdgeOutcome> call) {
        parked.put(call, request);
        call.whenComplete(
                (outcome, error) -> {
                    if (parked.remove(call) == null) {
                        return; // it never left the queue
                    }
                    if (error != null) {
                        parkedFailure = error; // a bug of ours: the next call fails the job
                    } else {
                        parkedOutcomes.add(outcome);
                    }
                });
    }

    private List<EdgeOutcome> takeParkedOutcomes() {
        List<EdgeOutcome> taken = new ArrayList<>();
        EdgeOutcome outcome;
        while ((outcome = parkedOutcomes.poll()) != null) {
            taken.add(outcome);
        }
        return taken;
    }

    /**
     * Runs a step of a call on whatever thread completes the step before it. Any exception ends the
     * call, which the ordered queue would otherwise wait on forever (and every profile's activation
     * behind it): it fails the job with its cause.
     */
    private static void guarded(CompletableFuture<EdgeOutcome> call, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            call.completeExceptionally(e);
        }
    }

    private void attempt(
            EdgeRequest request, int attempt, long firstAt, CompletableFuture<EdgeOutcome> call) {
        if (closed) {
            return;
        }
        guarded(
                call,
                () -> {
                    long wait = limiter.reserve(System.nanoTime());
                    if (wait > 0) {
                        scheduler.schedule(
                                () -> guarded(call, () -> send(request, attempt, firstAt, call)),
                                wait,
                                TimeUnit.NANOSECONDS);
                    } else {
                        send(request, attempt, firstAt, call);
                    }
                });
    }

    private void send(
            EdgeRequest request, int attempt, long firstAt, CompletableFuture<EdgeOutcome> call) {
        HttpRequest built;
        try {
            built = EdgeApi.http(request, settings);
        } catch (IllegalArgumentException refused) {
            if (EdgeApi.fitsHeader(request.userUid())) {
                throw refused; // not this person's data: our settings; the job fails with it
            }
            // java.net.http refuses a header value outside Latin-1 or with a line break: the
            // user uid cannot travel (the planner passes such uids over while it has another).
            deadLetters.inc();
            call.complete(
                    new EdgeOutcome(
                            request,
                            RetryPolicy.NO_RESPONSE,
                            attempt,
                            UNSENDABLE_UID,
                            refused.getMessage(),
                            System.currentTimeMillis()));
            return;
        }
        http.sendAsync(built, HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                        (response, error) -> {
                            guarded(
                                    call,
                                    () ->
                                            answered(
                                                    request, attempt, firstAt, call, response,
                                                    error));
                        });
    }

    private void answered(
            EdgeRequest request,
            int attempt,
            long firstAt,
            CompletableFuture<EdgeOutcome> call,
            HttpResponse<String> response,
            Throwable error) {
        if (closed) {
            return;
        }
        long now = System.currentTimeMillis();
        int status = response == null ? RetryPolicy.NO_RESPONSE : response.statusCode();
        requests.get(request.call() + "." + statusClass(status)).inc();
        if (RetryPolicy.succeeded(status)) {
            synchronized (latency) {
                latency.update(now - request.createdAt());
            }
            call.complete(new EdgeOutcome(request, status, attempt, null, null, now));
            return;
        }
        String retryAfter =
                response == null ? null : response.headers().firstValue("Retry-After").orElse(null);
        OptionalLong delay =
                retry.nextDelay(
                        attempt,
                        status,
                        retryAfter,
                        now - firstAt,
                        now,
                        bound -> ThreadLocalRandom.current().nextLong(bound + 1));
        if (delay.isPresent()) {
            retries.inc();
            if (Integer.bitCount(attempt) == 1 && attempt >= 8) {
                // a long outage, or credentials the edge refuses: say so, now and then
                LOG.warn(
                        "Edge API {} call of profile {} failed {} times, the last with {}; retrying"
                                + " until it succeeds (set cdp.activation.retry-budget to give up)",
                        request.call(),
                        request.profileId(),
                        attempt,
                        status == RetryPolicy.NO_RESPONSE ? describe(error) : "HTTP " + status);
            }
            scheduler.schedule(
                    () -> guarded(call, () -> attempt(request, attempt + 1, firstAt, call)),
                    delay.getAsLong(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        deadLetters.inc();
        String why =
                RetryPolicy.retryable(status)
                        ? "retry budget of " + settings.retryBudget() + " exhausted"
                        : "refused by the edge";
        String detail = response != null ? excerpt(response.body()) : describe(error);
        call.complete(new EdgeOutcome(request, status, attempt, why, detail, now));
    }

    private static String statusClass(int status) {
        if (status == RetryPolicy.NO_RESPONSE) {
            return "error";
        }
        if (status == 429) {
            return "429";
        }
        return status < 300 ? "2xx" : status < 500 ? "4xx" : "5xx";
    }

    private static String describe(Throwable error) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        String kind = cause instanceof IOException ? "connection error" : "error";
        return kind + ": " + cause;
    }

    private static String excerpt(String body) {
        if (body == null) {
            return null;
        }
        return body.length() <= EXCERPT ? body : body.substring(0, EXCERPT) + "...";
    }
}
