package com.koomy.api.events;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.ratelimit.DoorCodeBudget;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.api.ratelimit.RateLimitsFactory;
import com.koomy.events.CheckIns;
import com.koomy.events.CheckinBundle;
import com.koomy.events.CheckinStats;
import com.koomy.events.CheckinStatsReader;
import com.koomy.events.ScanResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * The door (issue 5): scans, offline batches, the offline bundle and live counts. Owners, admins and
 * the event's door staff only (403 for other members, 404 for anyone who cannot see the event). Rooted at
 * {@code /api} like every resource: Jersey picks the class with the longest matching path and never
 * falls back to another, so a class at {@code /api/events/{id}} would hide {@code EventsResource}'s routes.
 */
@Path("/api")
@Tag(name = "check-in")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CheckinsResource {

    /** Client nonces and gate names: 1-100 printable characters, not all blank. */
    static final String SCAN_ID = "(?=.*\\S)[^\\p{Cc}]{1,100}";
    static final String GATE = "(?=.*\\S)[^\\p{Cc}]{1,100}";

    private final CheckIns checkIns;
    private final CheckinBundle.Builder bundles;
    private final CheckinStatsReader stats;
    private final CheckIns.VerifyBudget codeBudget;
    /** koomy.checkins.result.&lt;result&gt;: a burst of invalid or revoked scans at a door is worth a look. */
    private final Map<String, Meter> results = new HashMap<>();

    public CheckinsResource(CheckIns checkIns, CheckinBundle.Builder bundles, CheckinStatsReader stats, MetricRegistry metrics) {
        this(checkIns, bundles, stats, CheckIns.VerifyBudget.FREE, metrics);
    }

    /** {@code codeBudget}: what the codes of offline batches count against (DoorCodeBudget). */
    public CheckinsResource(CheckIns checkIns, CheckinBundle.Builder bundles, CheckinStatsReader stats,
                            CheckIns.VerifyBudget codeBudget, MetricRegistry metrics) {
        this.codeBudget = codeBudget;
        this.checkIns = checkIns;
        this.bundles = bundles;
        this.stats = stats;
        ScanResult.RESULTS.forEach(r -> results.put(r, metrics.meter("koomy.checkins.result." + r)));
    }

    /** {@code qr}: whatever the scanner read; anything not a valid ticket is answered {@code invalid}, not 400. */
    public record ScanRequest(@NotNull @Size(max = 4096) String qr, @NotNull @Pattern(regexp = SCAN_ID, message = "must be one line of text, not blank") String scanId,
                              @NotNull @Pattern(regexp = GATE, message = "must be one line of text, not blank") String gate) {
    }

    public record OfflineScanRequest(@NotNull @Size(max = 4096) String qr, @NotNull @Pattern(regexp = SCAN_ID, message = "must be one line of text, not blank") String scanId,
                                     @NotNull @Pattern(regexp = GATE, message = "must be one line of text, not blank") String gate, @NotNull Instant scannedAt) {
    }

    public record BatchRequest(@NotEmpty @Size(max = CheckIns.MAX_BATCH) List<@Valid @NotNull OfflineScanRequest> scans) {
    }

    public record BatchResponse(int scans, int admitted, int conflicts, List<ScanResult> results) {
    }

    @Access(Access.Who.DOOR_STAFF)
    @POST
    @Path("/events/{eventId}/checkins")
    @RateLimited(value = RateLimitsFactory.DOOR, instead = true)
    @Timed
    @Refusal(status = 404, codes = {"event_not_found"})
    @Refusal(status = 409, codes = {"scan_id_reused"})
    @Operation(operationId = "scanTicket", summary = "Scan a ticket", description = "Owners, admins, door staff. 200 {scanId, result, admittedAt, "
            + "admittedGate, holder {ticketId, name, guestName}, replayed}. result: admitted (this scan admitted the "
            + "ticket), already_admitted (admittedAt/admittedGate say when and where), invalid (not a ticket of this "
            + "community: unreadable, forged, tampered), wrong_event, revoked (cancelled seat, including the seats of a member removed or gone, or reissued ticket), "
            + "not_yet_valid, expired. A retry with the same scanId returns the first answer (replayed: true) and "
            + "changes nothing; two gates scanning one ticket at once get exactly one admitted. 409 scan_id_reused "
            + "(the scanId came with another ticket); 403 other members; 404 event_not_found; 400 validation_failed for a scanId or gate not 1-100 printable characters.")
    public ScanResult scan(@PathParam("eventId") UUID eventId, @Valid @NotNull ScanRequest r,
                           @Context SecurityContext context) {
        return admit(eventId, CurrentAccount.require(context).accountId(), r);
    }

    /** A valid scan request of {@code callerId}, past the gate: {@link #scan}'s work, also the door's fast path's. */
    ScanResult admit(UUID eventId, UUID callerId, ScanRequest r) {
        ScanResult result = checkIns.scan(eventId, callerId, r.qr(), r.scanId(), r.gate());
        results.get(result.result()).mark();
        return result;
    }

    @Access(Access.Who.DOOR_STAFF)
    @POST
    @Path("/events/{eventId}/checkins/batch")
    // Reading a 1,000-scan body costs about what 50 signature checks do: paid before it is parsed (DoorCodeBudget).
    @RateLimited(value = RateLimitsFactory.DOOR, instead = true, prepay = RateLimitsFactory.DOOR_CODES,
            prepayCost = DoorCodeBudget.PREPAID)
    @Timed
    @Refusal(status = 409, codes = {"scan_id_reused"})
    @Refusal(status = 422, codes = {"forged_batch"})
    @Operation(operationId = "uploadOfflineScans", summary = "Upload offline scans", description = "Owners, admins, door staff. Up to 1,000 scans {qr, "
            + "scanId, gate, scannedAt}, each decided by the scan rule at its own scannedAt (not later than now), the "
            + "earliest scan of a ticket winning: 200 {scans, admitted, conflicts, results: [same as a scan, plus "
            + "conflict {scanId, gate, admittedAt, superseded}]} in input order. conflict names the other scan of the "
            + "ticket: the earlier one that holds the admission, or (superseded: true) the later one this scan took it "
            + "from. Idempotent by scanId. One transaction: all or nothing. 409 scan_id_reused; 400 validation_failed when empty or over 1,000; "
            + "422 forged_batch when the first 50 codes of a longer batch are all invalid (nothing recorded); 429 rate_limited "
            + "when the account's or the event's budget of verified codes is spent (each code counts, not the request).")
    public BatchResponse batch(@PathParam("eventId") UUID eventId, @Valid @NotNull BatchRequest r,
                               @Context SecurityContext context) {
        List<ScanResult> results = checkIns.batch(eventId, CurrentAccount.require(context).accountId(),
                r.scans().stream().map(s -> new CheckIns.OfflineScan(s.qr(), s.scanId(), s.gate(), s.scannedAt())).toList(),
                codeBudget);
        results.forEach(s -> this.results.get(s.result()).mark());
        int admitted = (int) results.stream().filter(s -> ScanResult.ADMITTED.equals(s.result())).count();
        int conflicts = (int) results.stream().filter(s -> s.conflict() != null).count();
        return new BatchResponse(results.size(), admitted, conflicts, results);
    }

    @Access(Access.Who.DOOR_STAFF)
    @GET
    @Path("/events/{eventId}/checkin-bundle")
    @RateLimited(value = RateLimitsFactory.DOOR, instead = true)
    @Timed
    @Operation(operationId = "getCheckinBundle", summary = "Offline check-in bundle", description = "Owners, admins, door staff. 200 {eventId, "
            + "communityId, title, startsAt, endsAt, status, keys: [{keyId, algorithm: Ed25519, format: X.509, "
            + "publicKey}], revokedTickets: [ticketId], reissuedTickets: [{ticketId, serial}], ticketCount, "
            + "generatedAt}: with it a scanner verifies QR codes offline (docs/api.md, \"Tickets and check-in\").")
    public CheckinBundle bundle(@PathParam("eventId") UUID eventId, @Context SecurityContext context) {
        return bundles.bundle(eventId, CurrentAccount.require(context).accountId());
    }

    @Access(Access.Who.DOOR_STAFF)
    @GET
    @Path("/events/{eventId}/checkins/stats")
    @RateLimited(value = RateLimitsFactory.DOOR, instead = true)
    @Timed
    @Operation(operationId = "getCheckinStats", summary = "Live check-in counts", description = "Owners, admins, door staff. 200 {eventId, capacity, "
            + "registered, waitlisted, admitted, admittedLastMinute, scansLastMinute, gates: [{gate, admitted, "
            + "admittedLastMinute}], computedAt}; counted about once a second for all API instances (up to a few seconds old). "
            + "Cheap to poll every second.")
    @ApiResponse(responseCode = "200", description = "The counts", content = @Content(mediaType = "application/json", schema = @Schema(implementation = CheckinStats.class)))
    public Response stats(@PathParam("eventId") UUID eventId, @Context SecurityContext context) {
        CheckinStats counts = stats.stats(eventId, CurrentAccount.require(context).accountId());
        CacheControl cache = new CacheControl();
        cache.setPrivate(true);
        cache.setMaxAge(1);
        return Response.ok(counts).cacheControl(cache).build();
    }
}
