package com.koomy.api.http;

/** The one error shape of the API: HTTP status, a stable machine-readable code, a sentence for people. */
public record ApiError(int status, String code, String message) {
}
