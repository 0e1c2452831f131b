package com.koomy.api.payments;

import com.koomy.api.http.ApiError;
import com.koomy.stripe.StripeBusyException;
import com.koomy.stripe.StripeCallException;
import com.koomy.stripe.StripeNotConfiguredException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stripe call made while the client waits (onboarding link, Checkout, portal) that failed after the
 * gateway's retries: 503 when Stripe was unavailable or rate-limited (try again), 502 when it refused
 * the request; 503 naming the missing setting without STRIPE_API_KEY; 503 stripe_busy with Retry-After when
 * the platform's shared Stripe limit had no slot within stripe.maxLimitWait (nothing was sent).
 */
public class StripeExceptionMapper implements ExceptionMapper<StripeCallException> {

    private static final Logger LOG = LoggerFactory.getLogger(StripeExceptionMapper.class);

    @Override
    public Response toResponse(StripeCallException e) {
        ApiError error;
        if (e instanceof StripeBusyException busy) {
            // The shared limit had no slot within stripe.maxLimitWait: nothing was sent; the client comes back.
            return Response.status(503).header(HttpHeaders.RETRY_AFTER, busy.retryAfterSeconds())
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(503, "stripe_busy", "Stripe calls are at the platform's limit; retry in "
                            + busy.retryAfterSeconds() + " s")).build();
        }
        if (e instanceof StripeNotConfiguredException) {
            error = new ApiError(503, "stripe_not_configured", "this needs Stripe: STRIPE_API_KEY is not set");
        } else {
            LOG.warn("Stripe call failed: {}", e.getMessage());
            error = e.retryable() ? new ApiError(503, "stripe_unavailable", "Stripe is unavailable; try again shortly")
                    : new ApiError(502, "stripe_error", "Stripe refused the request: " + e.getMessage());
        }
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
