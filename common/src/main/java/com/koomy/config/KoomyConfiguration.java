package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.koomy.db.KoomyDataSourceFactory;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/**
 * What both processes share: the database, Redis, the providers and metrics shipping. Each process
 * extends it with its own blocks, so the two YAML files read the same way.
 */
public class KoomyConfiguration extends Configuration {

    @Valid @NotNull private DataSourceFactory database = new KoomyDataSourceFactory();
    @Valid @NotNull private RedisFactory redis = new RedisFactory();
    @Valid @NotNull private StripeFactory stripe = new StripeFactory();
    /** Dues through Stripe Connect, plans through Stripe Billing (issue 6). */
    @Valid @NotNull private PaymentsFactory payments = new PaymentsFactory();
    @Valid @NotNull private SendGridFactory sendgrid = new SendGridFactory();
    @Valid @NotNull private OpenAiFactory openai = new OpenAiFactory();
    @Valid @NotNull private GraphiteFactory graphite = new GraphiteFactory();
    /** GET /prometheus on the admin port (issue 22). */
    @Valid @NotNull private PrometheusFactory prometheus = new PrometheusFactory();
    @Valid @NotNull private HealthFactory health = new HealthFactory();
    /** Image uploads: the API stores originals, the worker makes the smaller sizes and collects orphans. */
    @Valid @NotNull private MediaFactory media = new MediaFactory();
    @Valid @NotNull private AccountDeletionFactory accountDeletion = new AccountDeletionFactory();
    /** Credentials of the admin port's pages (all but /ping and /healthcheck). */
    @Valid @NotNull private AdminFactory admin = new AdminFactory();
    /** lock_timeout and statement_timeout of migrations (docs/operations.md, "Safe migrations"). */
    @Valid @NotNull private MigrationsFactory migrations = new MigrationsFactory();
    private boolean migrateOnStart = true;
    /**
     * Where migrations connect (DATABASE_MIGRATE_URL): PostgreSQL itself when {@code database.url} goes through a
     * pooler in transaction mode (Flyway's session advisory lock needs one session). Blank: {@code database.url}.
     */
    private String migrateUrl = "";
    /** Where clients reach the API (KOOMY_PUBLIC_URL): unsubscribe links, image URLs, the OpenAPI document's servers. */
    @NotEmpty private String publicUrl = "http://127.0.0.1:8080";
    /**
     * Where people reach the front end's pages (KOOMY_APP_URL): the links in emails (verify the address, reset the
     * password, accept an invitation, pay dues) and Stripe's return pages. Blank: the same as {@link #publicUrl},
     * for a front end served on the API's origin.
     */
    private String appUrl = "";
    /**
     * HMAC-SHA256 key of newsletter unsubscribe links (KOOMY_UNSUBSCRIBE_SECRET, at least 32 characters): the
     * worker signs with it, the API verifies. Blank: the API refuses to send newsletters (503).
     */
    private String unsubscribeSecret = "";

    @JsonProperty public String getUnsubscribeSecret() { return unsubscribeSecret; }
    @JsonProperty public void setUnsubscribeSecret(String secret) { this.unsubscribeSecret = secret == null ? "" : secret; }

    @JsonProperty public String getMigrateUrl() { return migrateUrl; }
    @JsonProperty public void setMigrateUrl(String url) { this.migrateUrl = url == null ? "" : url; }

    /** The URL migrations use: {@code migrateUrl}, else the pool's {@code database.url}. */
    public String migrationUrl() {
        return migrateUrl.isBlank() ? database.getUrl() : migrateUrl;
    }

    @JsonProperty public DataSourceFactory getDatabase() { return database; }
    @JsonProperty @JsonDeserialize(as = KoomyDataSourceFactory.class)
    public void setDatabase(DataSourceFactory database) { this.database = database; }

    @JsonProperty public RedisFactory getRedis() { return redis; }
    @JsonProperty public void setRedis(RedisFactory redis) { this.redis = redis; }

    @JsonProperty public StripeFactory getStripe() { return stripe; }
    @JsonProperty public void setStripe(StripeFactory stripe) { this.stripe = stripe; }

    @JsonProperty public PaymentsFactory getPayments() { return payments; }
    @JsonProperty public void setPayments(PaymentsFactory payments) { this.payments = payments; }

    @JsonProperty public SendGridFactory getSendgrid() { return sendgrid; }
    @JsonProperty public void setSendgrid(SendGridFactory sendgrid) { this.sendgrid = sendgrid; }

    @JsonProperty public OpenAiFactory getOpenai() { return openai; }
    @JsonProperty public void setOpenai(OpenAiFactory openai) { this.openai = openai; }

    @JsonProperty public GraphiteFactory getGraphite() { return graphite; }
    @JsonProperty public void setGraphite(GraphiteFactory graphite) { this.graphite = graphite; }

    @JsonProperty public PrometheusFactory getPrometheus() { return prometheus; }
    @JsonProperty public void setPrometheus(PrometheusFactory prometheus) { this.prometheus = prometheus; }

    @JsonProperty public HealthFactory getHealth() { return health; }
    @JsonProperty public void setHealth(HealthFactory health) { this.health = health; }

    @JsonProperty public MediaFactory getMedia() { return media; }
    @JsonProperty public void setMedia(MediaFactory media) { this.media = media; }
    @JsonProperty public AccountDeletionFactory getAccountDeletion() { return accountDeletion; }
    @JsonProperty public void setAccountDeletion(AccountDeletionFactory f) { this.accountDeletion = f; }

    @JsonProperty public AdminFactory getAdmin() { return admin; }
    @JsonProperty public void setAdmin(AdminFactory admin) { this.admin = admin; }

    @JsonProperty public String getPublicUrl() { return publicUrl; }
    @JsonProperty public void setPublicUrl(String publicUrl) { this.publicUrl = publicUrl; }

    @JsonProperty public String getAppUrl() { return appUrl; }
    @JsonProperty public void setAppUrl(String appUrl) { this.appUrl = appUrl; }

    /** The base of the front end's pages: {@code appUrl}, or {@code publicUrl} when it is blank; no trailing slash. */
    public String appPagesUrl() {
        String url = appUrl == null || appUrl.isBlank() ? publicUrl : appUrl.strip();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @JsonProperty public MigrationsFactory getMigrations() { return migrations; }
    @JsonProperty public void setMigrations(MigrationsFactory migrations) { this.migrations = migrations; }

    @JsonProperty public boolean isMigrateOnStart() { return migrateOnStart; }
    @JsonProperty public void setMigrateOnStart(boolean migrateOnStart) { this.migrateOnStart = migrateOnStart; }
}
