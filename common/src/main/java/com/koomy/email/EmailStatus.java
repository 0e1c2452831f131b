package com.koomy.email;

public enum EmailStatus {
    queued, sending, sent, failed, suppressed;

    public boolean settled() {
        return this == sent || this == failed || this == suppressed;
    }
}
