package com.koomy.load.report;

import java.util.Map;
import java.util.Optional;

import static com.koomy.load.report.Figures.*;

/** The step-by-step figures of every scenario with its chart, and how the run was made. */
final class ScenarioDetails extends ReportSection {

    ScenarioDetails(ReportSection report) {
        super(report);
    }

    void details(String chartDir) {
        line("## Scenarios, step by step");
        line();
        scenario("Passive browsing", "browse.png", chartDir, browse, browse2,
                "Read only. Visitors (45 %, signed out): a community's public page, a community's upcoming events, one event. "
                        + "Members (50 %, signed in): my communities, my community's page, its news feed, one news post, its events, "
                        + "my tickets. Admins (5 %): the 20,000-member directory, a search in it, the overdue filter. 3-7 s between "
                        + "two requests of a user.");
        scenario("Stripe webhooks", "webhooks.png", chartDir, webhooks, webhooks2,
                "N concurrent deliveries, each posting its next signed event as soon as the previous one is answered (no think "
                        + "time): the \"users\" column is concurrent deliveries. Events are platform events (customers, intents, "
                        + "charges) that the worker stores and settles.");
        scenario("Normal activity", "normal.png", chartDir, normal, Optional.empty(),
                "Visitors 35 %, members reading 45 %, admins in the directory 2 % (as in browsing), members registering for an "
                        + "event of the big community 10 % (the ticket is emailed), members paying dues 7 % (tiers, Checkout through "
                        + "the Stripe stub, 10-20 s on Stripe's page, then Stripe's two signed webhooks, 10 % delivered twice), door "
                        + "gates 1 % (one scan every 8-12 s).");
        scenario("Peak mix", "peak.png", chartDir, peak, Optional.empty(),
                "All at once: door gates 35 % (one scan every 1-2 s at one event with 20,000 tickets; 10 % of tickets presented "
                        + "twice at the same moment at two gates), members paying dues 25 % (3-6 s on Stripe's page), members "
                        + "reading 40 %, plus a stream of signed Stripe webhooks at 0.2 events/s per user (not counted as users), and "
                        + "a newsletter to the 20,000 members queued just before the first step.");
    }

    void scenario(String title, String png, String chartDir, Optional<Run> one, Optional<Run> two, String what) {
        if (one.isEmpty()) {
            return;
        }
        line("### " + title);
        line();
        line(what);
        line();
        line("![" + title + "](" + chartDir + "/" + png + ")");
        line();
        stepTable(one.get(), two.isPresent() ? "one API + one worker" : null);
        two.ifPresent(t -> stepTable(t, "two APIs + two workers behind HAProxy"));
        Run r = one.get();
        r.lastWithin().ifPresent(s -> {
            line("By request at the last step within the limit (step " + s.get("step") + ", " + users(s) + " users, one instance):");
            line();
            line("| request | req/s | p50 | p95 | p99 | errors |");
            line("| --- | ---: | ---: | ---: | ---: | ---: |");
            r.requests().stream().filter(q -> q.get("step").equals(s.get("step"))).forEach(q -> line("| " + q.get("name") + " | "
                    + fmt(Run.num(q, "rps")) + " | " + q.get("p50_ms") + " ms | " + q.get("p95_ms") + " ms | " + q.get("p99_ms") + " ms | "
                    + q.get("errors") + " |"));
            line();
        });
        String reason = r.check("stop_reason");
        line(reason.isEmpty() ? "Every planned step stayed within the limit: the capacity is at least the last step."
                : "Stopped: " + reason + ".");
        line();
    }

    void stepTable(Run run, String label) {
        if (label != null) {
            line("*" + label + "*");
            line();
        }
        boolean stream = run.steps().stream().anyMatch(s -> Run.num(s, "stream_per_s") > 0);
        line("| step | users" + (stream ? " (+ webhooks/s)" : "") + " | req/s | p50 | p95 | p99 | max | errors | p95 other half | load avg | CPU: api / worker / postgres / redis / generator / other / idle |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (Map<String, String> s : run.steps()) {
            boolean crossed = "yes".equals(s.get("crossed"));
            line("| " + s.get("step") + (crossed ? " ✗" : "") + " | " + users(s) + (stream ? " (+" + fmt(Run.num(s, "stream_per_s")) + ")" : "")
                    + " | " + fmt(Run.num(s, "rps")) + " | " + s.get("p50_ms") + " | " + s.get("p95_ms") + " | " + s.get("p99_ms") + " | "
                    + s.get("max_ms") + " | " + s.get("error_pct") + " % (" + s.get("errors") + ") | " + s.get("p95_other_half_ms") + " | "
                    + s.get("load1") + " | "
                    + pct(s, "cpu_api") + " / " + pct(s, "cpu_worker") + " / " + pct(s, "cpu_postgres") + " / " + pct(s, "cpu_redis")
                    + " / " + pct(s, "cpu_generator") + " / " + pct(s, "cpu_other") + " / " + pct(s, "cpu_idle") + " |");
        }
        line();
        line("Latencies in ms, of the better half of the step (the other half's p95 beside it); errors are non-2xx answers "
                + "and requests without an answer within 10 s; ✗ marks the step that crossed the limit. CPU is each one's share "
                + "of the whole machine (both cores) during the step; \"postgres\" is the backends serving this run's database, "
                + "\"other\" everything else (other people's builds, stacks and databases on this shared machine, PostgreSQL's "
                + "shared background processes).");
        line();
    }

    void method() {
        line("## Method");
        line();
        line("- **Tool**: `ops/load/`, a Maven project of its own (not in the root reactor, so `ops/koomy test` and CI never run it): "
                + "Gatling " + facts.getProperty("gatling") + " simulations in Java (`BrowseSimulation`, `WebhookSimulation`, "
                + "`NormalSimulation`, `PeakSimulation`), run by `gatling-maven-plugin`; `ops/load/capacity` (`ops/koomy capacity`) "
                + "starts the stack, seeds it, runs them and calls `CapacityReport` (JFreeChart for the PNGs).");
        line("- **Simultaneous users**: closed model. Gatling keeps exactly N virtual users alive during a step; each is one person "
                + "with a session, repeating its journey: one request, a think time (3-7 s for readers), the next request. N users "
                + "therefore make about N/5 requests a second, whatever the latency. The webhook scenario is the exception: its "
                + "\"users\" are concurrent Stripe deliveries with no think time.");
        line("- **Steps and stop rule**: each scenario runs its list of user counts in ascending order; a step is measured over "
                + "its plateau only (after the ramp and a settle time), as two halves with the same users, and its figures are "
                + "those of the better half (lower p95): a burst of someone else's build on this shared machine should not end a "
                + "scenario. A step \"crosses the limit\" when in both halves the p95 (all requests) exceeds 500 ms or more than "
                + "1 % of the requests fail; the run stops after that step (Gatling's `stopLoadGenerator`). Every step's figures "
                + "are kept (`steps.tsv`, `requests.tsv` in the run's directory).");
        line("- **Sessions**: the seeded accounts never sign in through the API (argon2 would measure the password hash, not "
                + "browsing); their sessions are written into Redis as `SessionStore` writes them, and every request carries its "
                + "Bearer token and goes through the real session lookup.");
        line("- **Rate limits**: on. One load generator means one client address (127.0.0.1), and behind HAProxy that is what the "
                + "API sees whatever a header claims; the per-address budget is raised to 1,000,000 requests a minute "
                + "(`KOOMY_RATE_PER_CLIENT`) so that thousands of people are not squeezed into one person's 600/min. The per-account "
                + "budget (1,200/min) and the login/register policies keep their defaults, and the limiter's Redis round trip is in "
                + "every measured request. (`ops/bench/reads` turns them off instead with `KOOMY_RATE_LIMITS_ENABLED=false`; keeping "
                + "them on is closer to production.)");
        line("- **Stripe**: a WireMock stub answers the Checkout calls at once; webhooks are signed like Stripe signs them "
                + "(HMAC-SHA256 over `t.body`, the stack's `STRIPE_WEBHOOK_SECRET`) at the moment they are sent; 10 % of payment "
                + "webhooks are delivered twice. QR codes are signed with the community's key by `ops/bench/SignTickets.java`.");
        line("- **Emails** go to the worker's local sink (no SendGrid key): the delivery path, rendering and bookkeeping are "
                + "real, the provider's latency is not.");
        line("- **Caching**: the virtual users keep no HTTP cache, so every page view reaches the server (pessimistic for "
                + "browsing); connections are pooled and shared, as behind a reverse proxy.");
        line();
        line("### How to read it");
        line();
        line("- The load generator runs on the same two cores as everything it measures, and the machine is shared with other "
                + "engineers' builds (the load average and the \"other\" CPU share of each step say how much). A saturated step "
                + "measures the CPU cost of the mix more than the latency a dedicated server would show.");
        line("- One run, no median: re-run `ops/koomy capacity` on a quiet machine before quoting a figure; `--quick` checks that "
                + "everything works in a few minutes.");
        line("- Not measured: Stripe's and SendGrid's own latency (stubs and sink answer at once), TLS, a CDN, clients on a real "
                + "network, more than one machine.");
        line();
    }
}
