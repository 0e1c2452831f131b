package com.koomy.api.http;

/** Thrown by resources to answer with an {@link ApiError}; nothing has been changed when it is thrown. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() { return status; }

    public String code() { return code; }

    public ApiError toError() {
        return new ApiError(status, code, getMessage());
    }
}
