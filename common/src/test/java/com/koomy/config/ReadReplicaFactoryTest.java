package com.koomy.config;

import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The replica's pool is the primary's, with its own URL, size, name and read-only connections. */
class ReadReplicaFactoryTest {

    private static DataSourceFactory primary() {
        DataSourceFactory primary = new DataSourceFactory();
        primary.setDriverClass("org.postgresql.Driver");
        primary.setUrl("jdbc:postgresql://primary:5432/koomy");
        primary.setUser("koomy");
        primary.setPassword("secret-primary");
        primary.setMaxWaitForConnection(Duration.seconds(2));
        primary.setProperties(Map.of("ApplicationName", "koomy-api", "socketTimeout", "30", "connectTimeout", "5",
                "targetServerType", "primary"));
        primary.setValidationQuery("SELECT 1 / CASE current_setting('transaction_read_only') WHEN 'on' THEN 0 ELSE 1 END");
        return primary;
    }

    @Test
    void derivesThePoolFromThePrimaryWithTheReplicasUrlAndTheSameRole() {
        ReadReplicaFactory factory = new ReadReplicaFactory();
        assertThat(factory.isEnabled()).isFalse();
        factory.setUrl("jdbc:postgresql://replica:5432/koomy");
        factory.setMaxSize(7);

        DataSourceFactory replica = factory.dataSource(primary());

        assertThat(factory.isEnabled()).isTrue();
        assertThat(replica.getUrl()).isEqualTo("jdbc:postgresql://replica:5432/koomy");
        assertThat(replica.getUser()).isEqualTo("koomy");
        assertThat(replica.getPassword()).isEqualTo("secret-primary");
        assertThat(replica.getMaxSize()).isEqualTo(7);
        assertThat(replica.getMinSize()).isZero();
        assertThat(replica.getInitialSize()).isZero();
        assertThat(replica.getReadOnlyByDefault()).isTrue();
        assertThat(replica.getMaxWaitForConnection()).isEqualTo(Duration.seconds(2));
        assertThat(replica.getProperties()).containsEntry("ApplicationName", "koomy-api-read")
                .containsEntry("socketTimeout", "30").containsEntry("connectTimeout", "2");
        // A replica is read-only: neither the primary's server type nor its validation query would accept it.
        assertThat(replica.getProperties()).containsEntry("targetServerType", "any");
        assertThat(replica.getValidationQuery()).hasValueSatisfying(q -> assertThat(q).doesNotContain("transaction_read_only"));
    }

    @Test
    void aUserOfItsOwnComesWithItsOwnPassword() {
        ReadReplicaFactory factory = new ReadReplicaFactory();
        factory.setUrl("jdbc:postgresql://replica:5432/koomy");
        factory.setUser("reader");
        factory.setPassword("");

        DataSourceFactory replica = factory.dataSource(primary());

        assertThat(replica.getUser()).isEqualTo("reader");
        assertThat(replica.getPassword()).isEmpty();
    }
}
