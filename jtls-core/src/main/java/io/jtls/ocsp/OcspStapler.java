package io.jtls.ocsp;

import io.jtls.pki.Certificates;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * OCSP stapling for a server, beyond Node: an {@code 'OCSPRequest'} listener that fetches each
 * certificate's OCSP response from the responder named in its Authority Information Access
 * extension, keeps it until its {@code nextUpdate}, and staples it.
 * <pre>{@code
 * OcspStapler stapler = OcspStapler.create();
 * server.on(TlsServer.OCSP_REQUEST, stapler::onOcspRequest);
 * }</pre>
 *
 * <h2>What is stapled</h2>
 * <ul>
 *   <li>The first handshake for a certificate waits for the responder (at most
 *       {@link Builder#timeout}); later ones get the cached response at once.</li>
 *   <li>Once a response is past its refresh point (by default half-way through its validity,
 *       {@code thisUpdate} to {@code nextUpdate}; {@link Builder#refreshAhead}), the next
 *       handshake still gets it and a fresh one is fetched in the background.</li>
 *   <li>While the responder is down or answers with an error, the last good response is served
 *       for as long as it is valid; a new attempt is made no sooner than
 *       {@link Builder#retryAfter} after a failure. A response past its {@code nextUpdate} is
 *       never stapled: then the handshake gets no staple, which clients treat more kindly than
 *       an expired one.</li>
 *   <li>A response is kept only when it is successful, signed by the certificate's issuer or by
 *       a responder the issuer delegated (OCSPSigning), and speaks about the certificate asked for
 *       (its CertID); whatever status it gives ({@code good}, {@code revoked}, {@code unknown})
 *       is stapled, as the responder said it, and anything but {@code good} is logged as a
 *       warning.</li>
 *   <li>Nothing is stapled for a certificate without an OCSP responder URL, or without an issuer
 *       (Node gives {@code null} when neither the chain nor the trusted certificates have it).</li>
 * </ul>
 * A stapling failure never fails a handshake: the callback always gets {@code (null, response)}
 * or {@code (null, null)}.
 *
 * <h2>Threads</h2>
 * Never blocks the caller: the request is sent with the JDK's {@link HttpClient}
 * ({@code POST application/ocsp-request}, RFC 6960 appendix A) asynchronously, and the callback
 * runs on the client's thread when the answer comes (the TLS socket takes it back to its loop).
 * Every method may be called from any thread. One entry is kept per certificate for the life of
 * the stapler.
 */
public final class OcspStapler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jtls.ocsp");

    private final HttpClient http;
    private final boolean ownsHttp;
    private final Clock clock;
    private final Duration timeout;
    private final Duration refreshAhead;
    private final Duration retryAfter;
    private final Duration validityWithoutNextUpdate;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private OcspStapler(Builder b) {
        this.timeout = b.timeout;
        this.ownsHttp = b.http == null;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.timeout).build();
        this.clock = b.clock;
        this.refreshAhead = b.refreshAhead;
        this.retryAfter = b.retryAfter;
        this.validityWithoutNextUpdate = b.validityWithoutNextUpdate;
    }

    /**
     * A stapler with the defaults of {@link Builder}.
     *
     * @return a stapler with the defaults of {@link Builder}
     */
    public static OcspStapler create() {
        return builder().build();
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The {@code 'OCSPRequest'} listener: {@code server.on(TlsServer.OCSP_REQUEST, stapler::onOcspRequest)}.
     * Calls {@code callback} with the response to staple, or null, now or once fetched.
     *
     * @param certificate the certificate
     * @param issuer the issuer
     * @param callback called when done
     */
    public void onOcspRequest(byte[] certificate, byte[] issuer, BiConsumer<Throwable, byte[]> callback) {
        response(certificate, issuer).whenComplete((response, error) -> callback.accept(null, error == null ? response : null));
    }

    /**
     * The response to staple for {@code certificate} (DER) issued by {@code issuer} (DER): the
     * cached one while it is valid (starting a background refresh once it is due), otherwise
     * what the responder answers now; null when there is none. Never completes exceptionally.
     *
     * @param certificate the certificate
     * @param issuer the issuer
     * @return the response to staple for {@code certificate} (DER) issued by {@code issuer} (DER): the cached
     *         one while it is valid (starting a background refresh once it is due), otherwise what the
     *         responder answers now; null when there is none
     */
    public CompletableFuture<byte[]> response(byte[] certificate, byte[] issuer) {
        Entry entry = entryFor(certificate, issuer);
        if (entry == null) {
            return CompletableFuture.completedFuture(null);
        }
        Instant now = clock.instant();
        synchronized (entry) {
            Staple good = entry.validAt(now);
            if (good != null) {
                if (!now.isBefore(good.refreshAt())) {
                    fetch(entry, now, false); // in the background: this handshake gets the one we have
                }
                return CompletableFuture.completedFuture(good.der().clone());
            }
            CompletableFuture<Staple> fetching = fetch(entry, now, false);
            if (fetching == null) {
                return CompletableFuture.completedFuture(null); // the responder failed recently
            }
            return fetching.thenApply(staple -> staple == null ? null : staple.der().clone());
        }
    }

    /**
     * Asks the responder now, whatever the cache holds (for a scheduler, or after a revocation);
     * completes with the response served from then on: the new one, or the last good one while
     * it is valid when the responder failed, or null. Never completes exceptionally.
     *
     * @param certificate the certificate
     * @param issuer the issuer
     * @return a future that completes when done: asks the responder now, whatever the cache holds (for a
     *         scheduler, or after a revocation); completes with the response served from then on: the new
     *         one, or the last good one while it is valid when the responder failed, or null
     */
    public CompletableFuture<byte[]> refresh(byte[] certificate, byte[] issuer) {
        Entry entry = entryFor(certificate, issuer);
        if (entry == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Staple> fetching;
        synchronized (entry) {
            fetching = fetch(entry, clock.instant(), true);
        }
        return fetching.thenApply(ignored -> {
            synchronized (entry) {
                Staple good = entry.validAt(clock.instant());
                return good == null ? null : good.der().clone();
            }
        });
    }

    /**
     * Stops stapling: later requests get null. The HTTP client is shut down (fetches in flight
     * end, their handshakes go on without a staple) unless the builder was given one. Does not
     * wait: may be called on an event loop.
     */
    @Override
    public void close() {
        closed = true;
        if (ownsHttp) {
            http.shutdownNow(); // close() would wait for the exchanges in flight
        }
    }

    // ------------------------------------------------------------------ internals

    /** The certificate's entry, made at its first request; null when nothing can be stapled for it. */
    private Entry entryFor(byte[] certificate, byte[] issuer) {
        if (closed || certificate == null || issuer == null) {
            return null;
        }
        Entry entry = entries.computeIfAbsent(key(certificate), k -> new Entry(certificate.clone(), issuer.clone()));
        return entry.responder == null ? null : entry;
    }

    /**
     * Starts a fetch for {@code entry} (its lock held), or joins the one in flight; null when a
     * failure was too recent ({@code force} ignores that). The future completes with the new
     * staple, or null when the fetch failed.
     */
    private CompletableFuture<Staple> fetch(Entry entry, Instant now, boolean force) {
        if (entry.fetching != null) {
            return entry.fetching;
        }
        if (!force && entry.nextAttempt != null && now.isBefore(entry.nextAttempt)) {
            return null;
        }
        CompletableFuture<Staple> result = new CompletableFuture<>();
        entry.fetching = result;
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            HttpRequest request = HttpRequest.newBuilder(entry.responder)
                    .timeout(timeout)
                    .header("Content-Type", "application/ocsp-request")
                    .header("Accept", "application/ocsp-response")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(OcspCodec.request(entry.certificate, entry.issuer)))
                    .build();
            exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            exchange = CompletableFuture.failedFuture(e);
        }
        exchange.whenComplete((response, error) -> {
            Staple staple = null;
            try {
                staple = accept(entry, response, error);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "OCSP response from " + entry.responder + " could not be read", e);
            } finally {
                synchronized (entry) {
                    if (entry.fetching == result) {
                        entry.fetching = null;
                    }
                    if (staple != null) {
                        entry.good = staple;
                        entry.nextAttempt = null;
                    } else {
                        entry.nextAttempt = clock.instant().plus(retryAfter);
                    }
                }
                result.complete(staple);
            }
        });
        return result;
    }

    /** The staple in {@code response}, or null (logged) when there is none to keep. */
    private Staple accept(Entry entry, HttpResponse<byte[]> response, Throwable error) {
        if (error != null) {
            LOG.log(Level.INFO, "OCSP responder " + entry.responder + " failed: " + error);
            return null;
        }
        if (response.statusCode() != 200) {
            LOG.log(Level.INFO, "OCSP responder " + entry.responder + " answered HTTP " + response.statusCode());
            return null;
        }
        OcspCodec.Status status;
        try {
            status = OcspCodec.status(response.body(), entry.certificate, entry.issuer);
        } catch (OcspCodec.BadResponse e) {
            LOG.log(Level.INFO, "OCSP responder " + entry.responder + ": " + e.getMessage());
            return null;
        }
        Instant now = clock.instant();
        Instant nextUpdate = status.nextUpdate() != null ? status.nextUpdate() : now.plus(validityWithoutNextUpdate);
        if (!now.isBefore(nextUpdate)) {
            LOG.log(Level.INFO, "OCSP responder " + entry.responder + " sent a response past its nextUpdate " + nextUpdate);
            return null;
        }
        if (status.certStatus() != OcspCodec.Status.GOOD) {
            LOG.log(Level.WARNING, "OCSP responder " + entry.responder + " says the certificate is " + status.name());
        }
        Instant from = status.thisUpdate().isBefore(now) ? status.thisUpdate() : now;
        Instant refreshAt = refreshAhead != null ? nextUpdate.minus(refreshAhead)
                : from.plus(Duration.between(from, nextUpdate).dividedBy(2));
        return new Staple(response.body(), nextUpdate, refreshAt);
    }

    private static String key(byte[] certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** The first http(s) OCSP responder URL in the certificate's AIA extension, or null. */
    private static URI responderOf(byte[] certificate) {
        try {
            Map<String, List<String>> access = Certificates.fromDer(certificate).infoAccess(); // null: no AIA
            List<String> urls = access == null ? null : access.get("OCSP - URI");
            if (urls != null) {
                for (String url : urls) {
                    URI uri = URI.create(url);
                    if ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) {
                        return uri;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "no OCSP responder URL: " + e);
        }
        return null;
    }

    /** A response kept for stapling. */
    private record Staple(byte[] der, Instant nextUpdate, Instant refreshAt) {}

    /** One certificate's cache entry; guarded by its own lock. */
    private static final class Entry {
        final byte[] certificate;
        final byte[] issuer;
        final URI responder;
        Staple good;
        CompletableFuture<Staple> fetching;
        Instant nextAttempt;

        Entry(byte[] certificate, byte[] issuer) {
            this.certificate = certificate;
            this.issuer = issuer;
            this.responder = responderOf(certificate);
        }

        /** The kept staple if it is still valid at {@code now}, else null (an expired one is dropped). */
        Staple validAt(Instant now) {
            if (good != null && !now.isBefore(good.nextUpdate())) {
                good = null;
            }
            return good;
        }
    }

    /** Settings of a stapler. */
    public static final class Builder {
        private HttpClient http;
        private Clock clock = Clock.systemUTC();
        private Duration timeout = Duration.ofSeconds(10);
        private Duration refreshAhead;
        private Duration retryAfter = Duration.ofMinutes(1);
        private Duration validityWithoutNextUpdate = Duration.ofHours(1);

        private Builder() {}

        /**
         * The HTTP client to fetch with (not closed by the stapler); by default one of its own.
         *
         * @param http the http
         * @return this builder
         */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /**
         * The clock that ages responses (tests move it); the system's UTC clock by default.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a fetch may take before the handshake goes on without a staple; 10 s by default.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /**
         * Refresh once less than this is left before {@code nextUpdate}; by default half the response's validity.
         *
         * @param refreshAhead the refresh ahead
         * @return this builder
         */
        public Builder refreshAhead(Duration refreshAhead) {
            this.refreshAhead = positive(refreshAhead, "refreshAhead");
            return this;
        }

        /**
         * After a failed fetch, no new attempt before this (except {@link #refresh}); 1 minute by default.
         *
         * @param retryAfter the retry after
         * @return this builder
         */
        public Builder retryAfter(Duration retryAfter) {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
            }
            this.retryAfter = retryAfter;
            return this;
        }

        /**
         * How long a response without {@code nextUpdate} is kept; 1 hour by default.
         *
         * @param validity the validity
         * @return this builder
         */
        public Builder validityWithoutNextUpdate(Duration validity) {
            this.validityWithoutNextUpdate = positive(validity, "validityWithoutNextUpdate");
            return this;
        }

        /**
         * Builds from the values set so far.
         *
         * @return the ocsp stapler: builds from the values set so far
         */
        public OcspStapler build() {
            return new OcspStapler(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
