package com.koomy.worker;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** config/worker.yml parses and validates, with both pools explicit. */
class WorkerConfigurationTest {

    @Test
    void parsesWithExplicitPoolsForOurTablesAndForJobRunr() throws Exception {
        WorkerConfiguration config = new YamlConfigurationFactory<>(WorkerConfiguration.class, Validators.newValidator(),
                Jackson.newObjectMapper(), "dw")
                .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                        new EnvironmentVariableSubstitutor(false)), "../config/worker.yml");

        assertThat(config.getJobs().getPollInterval().toSeconds()).isGreaterThanOrEqualTo(5);
        // The API's prefix and default (ApiConfigurationTest): the Stripe and SendGrid limits are shared.
        assertThat(config.getRedis().getKeyPrefix()).isEqualTo(System.getenv().getOrDefault("KOOMY_REDIS_PREFIX", "koomy:"));
        assertThat(config.getJobs().getWorkerCount()).isPositive();
        assertThat(config.getDatabase().getMaxSize()).isGreaterThanOrEqualTo(config.getJobs().getWorkerCount());
        assertThat(config.getJobs().getDatabase().getMaxSize()).isGreaterThanOrEqualTo(config.getJobs().getWorkerCount());
        assertThat(config.getJobs().getDatabase().getMaxWaitForConnection()).isEqualTo(Duration.seconds(5));
        assertThat(config.getJobs().getShutdownTimeout()).isEqualTo(Duration.seconds(20));
        assertThat(config.getMedia().getCollectEvery()).isEqualTo(Duration.hours(1));
        // A SendGrid answering 202 after 30 s must not be given up on (and the email sent again).
        assertThat(config.getSendgrid().getRequestTimeout()).isEqualTo(
                Duration.parse(System.getenv().getOrDefault("SENDGRID_REQUEST_TIMEOUT", "60s")));
        assertThat(config.getSendgrid().longestAttempt().toMillis())
                .isGreaterThan(config.getSendgrid().getRequestTimeout().toMilliseconds());
        assertThat(config.getMedia().getStorage().getLocalDir()).isNotBlank();
        // Data retention (docs/operations.md): the policy's numbers, and JobRunr's own housekeeping.
        assertThat(config.getRetention().getStripeEvents()).isEqualTo(Duration.days(90));
        assertThat(config.getRetention().getSendgridEvents()).isEqualTo(Duration.days(30));
        assertThat(config.getRetention().getEmailBodies()).isEqualTo(Duration.days(30));
        assertThat(config.getRetention().getAccountTokens()).isEqualTo(Duration.days(7));
        assertThat(config.getRetention().getCheckinScans()).isEqualTo(Duration.days(365));
        assertThat(config.getRetention().getFailedJobs()).isEqualTo(Duration.days(30));
        assertThat(config.getRetention().getNewsletterRecipients()).isEqualTo(Duration.days(365));
        assertThat(config.getRetention().getAccountExports()).isEqualTo(Duration.days(7));
        assertThat(config.getRetention().getPayments()).isEqualTo(Duration.days(3653));
        assertThat(config.getRetention().getEmailAddresses()).isEqualTo(Duration.days(365));
        assertThat(config.getRetention().getDuesCheckouts()).isEqualTo(Duration.days(90));
        assertThat(config.getRetention().getMembershipRequests()).isEqualTo(Duration.days(365));
        assertThat(config.getRetention().getInvitations()).isEqualTo(Duration.days(90));
        assertThat(config.getRetention().getContentBudgetUsage()).isEqualTo(Duration.days(90));
        assertThat(config.getJobs().getPermanentlyDeleteDeletedAfter()).isEqualTo(Duration.hours(72));
        assertThat(config.getMigrations().getLockTimeout()).isEqualTo(
                Duration.parse(System.getenv().getOrDefault("KOOMY_MIGRATION_LOCK_TIMEOUT", "5s")));
        assertThat(config.getJobs().getDashboardPort()).isEqualTo(
                Integer.parseInt(System.getenv().getOrDefault("KOOMY_DASHBOARD_PORT", "8000")));
    }
}
