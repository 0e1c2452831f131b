package com.koomy.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.api.http.ClientAddress;
import com.koomy.api.ratelimit.RateLimitsFactory;
import com.koomy.api.fastpath.FastPathsFactory;
import com.koomy.api.alerts.AlertsFactory;
import com.koomy.api.stats.StatsFactory;
import com.koomy.config.CacheFactory;
import com.koomy.config.KoomyConfiguration;
import com.koomy.config.ReadReplicaFactory;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

public class ApiConfiguration extends KoomyConfiguration {

    /** Request log level thresholds of the capacity analysis: WARN over 500 ms, SLOW over 1,000 ms. */
    @NotNull private Duration warnRequestsOver = Duration.milliseconds(500);
    @NotNull private Duration slowRequestsOver = Duration.milliseconds(1000);

    /** Largest JSON request body (webhooks and uploads have limits of their own): 413 over it. */
    @NotNull private DataSize maxJsonBody = DataSize.mebibytes(1);

    /** Threads recording door scans, each a transaction for the scans that arrived together (group commit). */
    @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(32) private int checkinWriters = 4;

    /** Communities one account may create in any 24 hours (429 community_limit_reached beyond). */
    @jakarta.validation.constraints.Min(1) private int communitiesPerAccountPerDay = 5;

    @JsonProperty public int getCommunitiesPerAccountPerDay() { return communitiesPerAccountPerDay; }
    @JsonProperty public void setCommunitiesPerAccountPerDay(int limit) { this.communitiesPerAccountPerDay = limit; }

    /** How long a community whose deletion an owner asked stays restorable (unarchive) before the worker purges it. */
    @NotNull private Duration communityDeletionGrace = Duration.days(30);
    @JsonProperty public Duration getCommunityDeletionGrace() { return communityDeletionGrace; }
    @JsonProperty public void setCommunityDeletionGrace(Duration grace) { this.communityDeletionGrace = grace; }
    @JsonProperty public int getCheckinWriters() { return checkinWriters; }
    @JsonProperty public void setCheckinWriters(int checkinWriters) { this.checkinWriters = checkinWriters; }

    @JsonProperty public DataSize getMaxJsonBody() { return maxJsonBody; }
    @JsonProperty public void setMaxJsonBody(DataSize maxJsonBody) { this.maxJsonBody = maxJsonBody; }

    /** Platform operators' token for /api/ops/* (KOOMY_OPS_TOKEN); empty: only operator accounts, later. */
    private String opsToken = "";

    /**
     * Key-encryption key of the communities' card signing keys (KOOMY_CARD_KEY_SECRET): base64 of 32 bytes.
     * Empty: the membership card routes answer 503.
     */
    private String cardKeySecret = "";

    /** KOOMY_TRUSTED_PROXIES: the proxies in front of the API, a count or CIDRs (ClientAddress); empty: none. */
    @NotNull private ClientAddress trustedProxies = ClientAddress.none();

    @JsonProperty public ClientAddress getTrustedProxies() { return trustedProxies; }
    @JsonProperty public void setTrustedProxies(ClientAddress trustedProxies) { this.trustedProxies = trustedProxies; }

    @Valid @NotNull private RateLimitsFactory rateLimits = new RateLimitsFactory();
    @Valid @NotNull private FastPathsFactory fastPaths = new FastPathsFactory();

    @JsonProperty public RateLimitsFactory getRateLimits() { return rateLimits; }
    @JsonProperty public FastPathsFactory getFastPaths() { return fastPaths; }
    @JsonProperty public void setFastPaths(FastPathsFactory fastPaths) { this.fastPaths = fastPaths; }
    @JsonProperty public void setRateLimits(RateLimitsFactory rateLimits) { this.rateLimits = rateLimits; }

    /** A session ends after this long unused, and in any case this long after sign-in. */
    @NotNull private Duration sessionIdleTimeout = Duration.hours(24);
    @NotNull private Duration sessionAbsoluteTimeout = Duration.days(30);

    @JsonProperty public Duration getSessionIdleTimeout() { return sessionIdleTimeout; }
    @JsonProperty public void setSessionIdleTimeout(Duration d) { this.sessionIdleTimeout = d; }
    @JsonProperty public Duration getSessionAbsoluteTimeout() { return sessionAbsoluteTimeout; }
    @JsonProperty public void setSessionAbsoluteTimeout(Duration d) { this.sessionAbsoluteTimeout = d; }
    /** Request statistics in Redis and the alert thresholds (issue 7). */
    @Valid @NotNull private StatsFactory stats = new StatsFactory();
    @Valid @NotNull private AlertsFactory alerts = new AlertsFactory();

    /** Redis read caches (R3): community pages, plans. */
    @Valid @NotNull private CacheFactory cache = new CacheFactory();

    /** The optional read replica for read-mostly queries (issue 9; empty URL: everything on the primary). */
    @Valid @NotNull private ReadReplicaFactory readReplica = new ReadReplicaFactory();

    @JsonProperty public ReadReplicaFactory getReadReplica() { return readReplica; }
    @JsonProperty public void setReadReplica(ReadReplicaFactory readReplica) { this.readReplica = readReplica; }
    @JsonProperty public CacheFactory getCache() { return cache; }
    @JsonProperty public void setCache(CacheFactory cache) { this.cache = cache; }
    @JsonProperty public StatsFactory getStats() { return stats; }
    @JsonProperty public void setStats(StatsFactory stats) { this.stats = stats; }
    @JsonProperty public AlertsFactory getAlerts() { return alerts; }
    @JsonProperty public void setAlerts(AlertsFactory alerts) { this.alerts = alerts; }
    @JsonProperty public String getCardKeySecret() { return cardKeySecret; }
    @JsonProperty public void setCardKeySecret(String secret) { this.cardKeySecret = secret == null ? "" : secret; }
    @JsonProperty public String getOpsToken() { return opsToken; }
    @JsonProperty public void setOpsToken(String opsToken) { this.opsToken = opsToken; }
    @JsonProperty public Duration getWarnRequestsOver() { return warnRequestsOver; }
    @JsonProperty public void setWarnRequestsOver(Duration d) { this.warnRequestsOver = d; }
    @JsonProperty public Duration getSlowRequestsOver() { return slowRequestsOver; }
    @JsonProperty public void setSlowRequestsOver(Duration d) { this.slowRequestsOver = d; }

    @Override
    public String toString() {
        return "ApiConfiguration{opsTokenSet=" + !opsToken.isBlank() + ", cardKeySecretSet=" + !cardKeySecret.isBlank() + "}";
    }
}
