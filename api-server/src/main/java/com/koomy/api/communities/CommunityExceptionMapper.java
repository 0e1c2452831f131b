package com.koomy.api.communities;

import com.koomy.api.http.ApiError;
import com.koomy.communities.CommunityException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

public class CommunityExceptionMapper implements ExceptionMapper<CommunityException> {

    @Override
    public Response toResponse(CommunityException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(e.status(), e.code(), e.getMessage())).build();
    }
}
