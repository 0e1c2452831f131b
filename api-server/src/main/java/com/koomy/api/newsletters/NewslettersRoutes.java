package com.koomy.api.newsletters;

import com.koomy.api.ApiContext;
import com.koomy.billing.PlanLimits;
import com.koomy.email.EmailRenderer;
import com.koomy.newsletters.UnsubscribeTokens;
import com.koomy.newsletters.CommunityNewsletters;
import com.koomy.newsletters.NewsletterSubscriptions;

import java.util.Map;

/** Newsletters (issue 20): drafts, preview, test, send or schedule, cancel; one-click unsubscribe links. */
public final class NewslettersRoutes {

    private NewslettersRoutes() {
    }

    public static void register(ApiContext app, PlanLimits limits) {
        UnsubscribeTokens unsubscribeTokens = UnsubscribeTokens.orNull(app.config().getUnsubscribeSecret());
        app.jersey().register(new NewslettersResource(new CommunityNewsletters(app.jdbi(), limits,
                new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", app.config().appPagesUrl())),
                unsubscribeTokens != null, app.clock())));
        app.jersey().register(new UnsubscribeResource(new NewsletterSubscriptions(app.jdbi(), unsubscribeTokens)));
    }
}
