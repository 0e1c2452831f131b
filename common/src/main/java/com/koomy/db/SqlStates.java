package com.koomy.db;

import java.sql.SQLException;
import java.util.function.Predicate;

/** What PostgreSQL's SQLSTATE, anywhere in an exception's causes, says about a failure. */
public final class SqlStates {

    /** read_only_sql_transaction: a write on a standby, a demoted primary or a read-only database. */
    public static final String READ_ONLY = "25006";
    /** What {@link #unavailable} answers for a new connection the pool's validation refused (no SQLSTATE of its own). */
    public static final String POOL_VALIDATION = "pool-validation";

    private SqlStates() {
    }

    /** The first SQLSTATE among {@code e} and its causes that passes {@code test}; null when none does. */
    public static String find(Throwable e, Predicate<String> test) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && test.test(sql.getSQLState())) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    public static boolean has(Throwable e, Predicate<String> test) {
        return find(e, test) != null;
    }

    /**
     * The SQLSTATE when the database is out of reach rather than the request at fault: class 08
     * (connection exception), 53 (insufficient resources: too many connections, disk full, out of
     * memory), 57P01-57P03 (shutdown, crash, cannot connect now) and 25006 (read_only_sql_transaction: a write
     * reached a server that is no longer the primary, after a failover demoted it, or a database made
     * read-only; the pool's validation query then replaces the connection). Null otherwise.
     */
    public static String unavailable(Throwable e) {
        String state = find(e, s -> s.startsWith("08") || s.startsWith("53") || s.equals("57P01")
                || s.equals("57P02") || s.equals("57P03") || s.equals(READ_ONLY));
        return state != null ? state : newConnectionInvalid(e) ? POOL_VALIDATION : null;
    }

    /**
     * The pool (Tomcat JDBC) replaced a connection that failed the validation query and the new one failed it
     * too: the server takes no writes (the validation query refuses read-only servers) or does not answer within
     * validationQueryTimeout. Tomcat gives that exception no SQLSTATE, only this message.
     */
    private static boolean newConnectionInvalid(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() == null
                    && "Failed to validate a newly established connection.".equals(sql.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** A data or constraint error (classes 22, 23): about what was written, not the database's state. */
    public static boolean dataError(Throwable e) {
        return has(e, state -> state.startsWith("22") || state.startsWith("23"));
    }
}
