package com.koomy.email;

/**
 * Why an address is suppressed; the names are the database's values. A dead or complaining address
 * must get nothing from us, while someone who unsubscribed still gets the mail they asked for.
 */
public enum SuppressionReason {
    bounce(SuppressionScope.all),
    dropped(SuppressionScope.all),
    spamreport(SuppressionScope.all),
    unsubscribe(SuppressionScope.bulk),
    group_unsubscribe(SuppressionScope.bulk),
    manual(SuppressionScope.all);

    private final SuppressionScope scope;

    SuppressionReason(SuppressionScope scope) {
        this.scope = scope;
    }

    public SuppressionScope scope() {
        return scope;
    }
}
