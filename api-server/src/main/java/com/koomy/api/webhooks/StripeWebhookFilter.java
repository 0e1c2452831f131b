package com.koomy.api.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.http.BodyReplay;
import com.koomy.api.http.FastPaths;
import com.koomy.api.stats.RouteTemplateFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import com.koomy.errors.ApiException;

/**
 * Answers {@code POST /api/webhooks/stripe} before Jersey: under a burst of deliveries Jersey's routing
 * and resource machinery cost more CPU than verifying and storing the event. It does exactly what
 * {@link StripeWebhookResource} does, through the same {@link StripeWebhookIntake}, and answers its
 * refusals (400, 503) with the API's error shape; the request log and the statistics still apply. A
 * body over the limit steps aside to Jersey (413, reading what the client still sends).
 */
public class StripeWebhookFilter implements Filter {

    static final String PATH = "/api/webhooks/stripe";
    static final String ROUTE = "POST " + PATH;

    private final StripeWebhookIntake intake;
    private final ObjectMapper json;

    public StripeWebhookFilter(StripeWebhookIntake intake, ObjectMapper json) {
        this.intake = intake;
        this.json = json;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (!"POST".equals(request.getMethod()) || !PATH.equals(request.getRequestURI())) {
            chain.doFilter(req, res);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(intake.maxBodyBytes() + 1);
        if (body.length > intake.maxBodyBytes()) {
            chain.doFilter(new BodyReplay(request, body), res);
            return;
        }
        int status;
        Object answer;
        try {
            answer = intake.receive(body, request.getHeader("Stripe-Signature"));
            status = HttpServletResponse.SC_OK;
        } catch (ApiException e) {
            answer = e.toError();
            status = e.status();
        }
        request.setAttribute(RouteTemplateFilter.ATTRIBUTE, ROUTE);
        FastPaths.writeJson((HttpServletResponse) res, status, json.writeValueAsBytes(answer));
    }
}
