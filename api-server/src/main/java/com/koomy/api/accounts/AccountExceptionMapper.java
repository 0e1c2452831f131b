package com.koomy.api.accounts;

import com.koomy.accounts.AccountException;
import com.koomy.api.http.ApiError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

public class AccountExceptionMapper implements ExceptionMapper<AccountException> {

    @Override
    public Response toResponse(AccountException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(e.status(), e.code(), e.getMessage())).build();
    }
}
