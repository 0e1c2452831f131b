package com.koomy.email;

/** An email that cannot be queued as asked (bad address, unknown template, too many recipients). */
public class InvalidEmailException extends IllegalArgumentException {

    private final String code;

    public InvalidEmailException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A stable machine-readable code for API errors. */
    public String code() {
        return code;
    }
}
