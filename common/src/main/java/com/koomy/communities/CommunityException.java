package com.koomy.communities;

/**
 * A refused community or membership operation, with a stable code and the HTTP status the API
 * answers. Thrown before anything is written, or inside the transaction that it rolls back.
 */
public class CommunityException extends RuntimeException {

    private final int status;
    private final String code;

    public CommunityException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** The one answer for "no such community" and "not yours to see": ids cannot be probed. */
    public static CommunityException notFound() {
        return new CommunityException(404, "community_not_found", "no such community");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
