package com.koomy.api.fastpath;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code fastPaths.enabled} ({@code KOOMY_FAST_PATHS}, default true): whether the hot routes are answered
 * before Jersey ({@link FastPathFilter}). Off, Jersey answers them; the answers are the same, only slower
 * (the integration tests run every fast route both ways and compare).
 */
public class FastPathsFactory {

    private boolean enabled = true;

    @JsonProperty
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
