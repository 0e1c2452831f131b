package com.koomy.db;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Dropwizard's pool settings plus {@code transactionPooling} (DATABASE_TRANSACTION_POOLING): true when
 * {@code url} goes through a pooler in transaction mode (PgBouncer, a managed database's pooler). Then the
 * pool sends no startup parameter such a pooler refuses or drops ({@code currentSchema}, which pgjdbc sends
 * as {@code search_path}, and {@code options}): our schema comes from the role's setting in the database
 * ({@link KoomyDatabase#migrate(com.koomy.config.KoomyConfiguration)} sets it), and statements are never
 * prepared on the server ({@code prepareThreshold=0}: a named statement would be looked for on another
 * server connection than the one that prepared it). See docs/operations.md, "PgBouncer".
 */
public class KoomyDataSourceFactory extends DataSourceFactory {

    private static final Logger LOG = LoggerFactory.getLogger(KoomyDataSourceFactory.class);

    private boolean transactionPooling;

    @JsonProperty public boolean isTransactionPooling() { return transactionPooling; }
    @JsonProperty public void setTransactionPooling(boolean transactionPooling) { this.transactionPooling = transactionPooling; }

    /** Whether {@code database} goes through a pooler in transaction mode. */
    public static boolean transactionPooling(DataSourceFactory database) {
        return database instanceof KoomyDataSourceFactory koomy && koomy.transactionPooling;
    }

    @Override
    public ManagedDataSource build(MetricRegistry metricRegistry, String name) {
        if (transactionPooling) {
            forTransactionPooling(getProperties(), name);
        }
        return super.build(metricRegistry, name);
    }

    /** The driver properties a pool behind a transaction-mode pooler may send (changed in place). */
    static void forTransactionPooling(Map<String, String> properties, String pool) {
        properties.remove("currentSchema");
        String options = properties.remove("options");
        if (options != null) {
            LOG.info("Pool {} goes through a pooler in transaction mode: its startup options ({}) are not sent; "
                    + "set them on the role instead (ALTER ROLE ... SET)", pool, options);
        }
        properties.putIfAbsent("prepareThreshold", "0");
    }
}
