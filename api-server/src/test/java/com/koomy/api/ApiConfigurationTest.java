package com.koomy.api;

import com.koomy.config.RedisFactory;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** config/api.yml parses and validates with nothing set in the environment but what the test sets. */
class ApiConfigurationTest {

    @Test
    void parsesWithExplicitPoolsAndEnvironmentDefaults() throws Exception {
        ApiConfiguration config = new YamlConfigurationFactory<>(ApiConfiguration.class, Validators.newValidator(),
                Jackson.newObjectMapper(), "dw")
                .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                        new EnvironmentVariableSubstitutor(false)), "../config/api.yml");

        assertThat(config.getDatabase().getMaxSize()).isPositive();
        assertThat(config.getDatabase().getMinSize()).isPositive();
        assertThat(config.getDatabase().getMaxWaitForConnection()).isNotNull();
        assertThat(config.getDatabase().getValidationQuery()).hasValueSatisfying(q -> assertThat(q).contains("SELECT 1"));
        assertThat(config.getDatabase().getEvictionInterval()).isEqualTo(Duration.seconds(10));
        assertThat(config.getRedis().getSocketTimeout()).isEqualTo(Duration.seconds(2));
        // One prefix for every key, the same default as config/worker.yml (WorkerConfigurationTest).
        assertThat(config.getRedis().getKeyPrefix()).isEqualTo(System.getenv().getOrDefault("KOOMY_REDIS_PREFIX", "koomy:"));
        assertThat(config.getRedis().keys().session("ab")).isEqualTo(config.getRedis().getKeyPrefix() + "session:ab");
        assertThat(config.getStripe().getWebhookTolerance()).isEqualTo(Duration.seconds(300));
        assertThat(config.getStripe().getMaxWebhookBody().toBytes()).isEqualTo(1024 * 1024);
        assertThat(config.getWarnRequestsOver()).isEqualTo(Duration.milliseconds(500));
        assertThat(config.getSlowRequestsOver()).isEqualTo(Duration.milliseconds(1000));
        assertThat(config.getAlerts().getMeanLatencyOver()).isEqualTo(Duration.milliseconds(500));
        assertThat(config.getAlerts().getP95LatencyOver()).isEqualTo(Duration.milliseconds(2000));
        assertThat(config.getAlerts().getErrorRateOver()).isEqualTo(0.01);
        assertThat(config.getAlerts().getDbPoolBusyOver()).isEqualTo(0.8);
        assertThat(config.getAlerts().getHeapUsedOver()).isEqualTo(0.8);
        assertThat(config.getAlerts().getWebhookFailuresPerHourOver()).isEqualTo(5);
        assertThat(config.getAlerts().getOldestQueuedJobOver()).isEqualTo(Duration.minutes(10));
        assertThat(config.getCache().getCommunityTtl()).isEqualTo(Duration.minutes(10));
        assertThat(config.getCache().getPlansTtl()).isEqualTo(Duration.hours(1));
        assertThat(config.getStats().getRetention()).isEqualTo(Duration.hours(2));
        assertThat(config.getMedia().getMaxUploadSize().toBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.getMedia().getStorage().getType()).isEqualTo("local");
        assertThat(config.getMedia().getOrphanGrace()).isEqualTo(Duration.days(30));
        assertThat(config.getMedia().blobBaseUrl("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080/media");
        assertThat(config.getReadReplica().isEnabled()).isEqualTo(!System.getenv().getOrDefault("DATABASE_READ_URL", "").isBlank());
        assertThat(config.getReadReplica().getMaxLag()).isEqualTo(Duration.seconds(5));
        assertThat(config.getReadReplica().getCheckEvery()).isEqualTo(Duration.seconds(1));
        assertThat(config.getCardKeySecret()).isEqualTo(System.getenv().getOrDefault("KOOMY_CARD_KEY_SECRET", ""));
        assertThat(config.getGraphite().isEnabled()).isEqualTo(Boolean.parseBoolean(
                System.getenv().getOrDefault("GRAPHITE_ENABLED", "false")));
    }

    /** A brace in the prefix would become every key's cluster hash tag; an empty one shares the key space. */
    @Test
    void aKeyPrefixWithBracesOrNothingIsRefused() {
        for (String bad : new String[] {"koomy{a}:", "", "two words:"}) {
            RedisFactory redis = new RedisFactory();
            redis.setKeyPrefix(bad);
            assertThat(Validators.newValidator().validate(redis)).as(bad)
                    .extracting(v -> v.getPropertyPath().toString()).containsExactly("keyPrefix");
        }
        RedisFactory good = new RedisFactory();
        good.setKeyPrefix("koomy-staging:");
        assertThat(Validators.newValidator().validate(good)).isEmpty();
    }
}
