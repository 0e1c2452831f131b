package com.koomy.load.report;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static com.koomy.load.report.Figures.*;

/** The original analysis' tables (targets of issue 9, sections 2.1, 2.2, 3 and 5) with the measured value next to each estimate. */
final class AnalysisTables extends ReportSection {

    AnalysisTables(ReportSection report) {
        super(report);
    }

    void targets() {
        line("## Targets (issue 9)");
        line();
        line("| target | measured | met |");
        line("| --- | --- | --- |");
        browse.ifPresent(b -> usersTarget("passive browsing: ≥ 2,000 simultaneous users at p95 < 200 ms (one API)", b,
                BROWSE_TARGET_MS, BROWSE_TARGET_USERS));
        peak.ifPresent(p -> {
            usersTarget("peak mix: ≥ 500 simultaneous users at p95 < 500 ms (one API)", p, LIMIT_MS, PEAK_TARGET_USERS);
            long lost = lostWebhooks(p);
            line("| peak: 0 lost webhooks | " + lost + " lost (" + p.verify("webhooks_accepted") + " accepted, "
                    + p.verify("webhooks_settled") + " applied by the worker) | " + yes(lost == 0 && !p.verify("webhooks_accepted").isEmpty()) + " |");
            long doubles = doubleAdmissions(p);
            line("| peak: 0 double admissions | " + doubles + " (" + p.verify("checkins_rows") + " tickets admitted, "
                    + p.verify("scans_admitted_answers") + " `admitted` answers, " + p.verify("tickets_admitted_twice")
                    + " tickets with two admitted scans) | " + yes(doubles == 0 && !p.verify("checkins_rows").isEmpty()) + " |");
            long dup = duplicateEmails(p);
            line("| peak: 0 duplicate emails | " + dup + " (" + p.verify("emails_created") + " emails queued during the run, "
                    + p.verify("newsletter_recipients_twice") + " newsletter recipients in two batches) | "
                    + yes(dup == 0 && !p.verify("emails_created").isEmpty()) + " |");
        });
        line();
    }

    /** A target row "at least TARGET users at p95 under LIMIT_MS": the largest step that made it. */
    void usersTarget(String target, Run run, double limitMs, int targetUsers) {
        Optional<Map<String, String>> best = run.largestUnder(limitMs);
        double users = best.map(s -> Run.num(s, "users")).orElse(0.0);
        line("| " + target + " | " + best.map(s -> users(s) + " users at p95 " + ms(s, "p95_ms") + " (" + rps(s) + ")")
                .orElse(String.format(Locale.ROOT, "no step under %.0f ms", limitMs)) + ceiling(run) + " | " + yes(users >= targetUsers) + " |");
    }

    void rpsTable() {
        line("## 2.1 Requests per second by scenario");
        line();
        line("The analysis' \"RPS backend\" for each kind of work, and what this build sustained on this machine: the throughput "
                + "of the last step that stayed within the limit (p95 ≤ 500 ms, errors ≤ 1 %), and where the CPU went at the step "
                + "that crossed it. The limiting factor is read from those shares: with idle near 0 the two cores are the limit, "
                + "and the largest consumers say whose work fills them.");
        line();
        line("| scenario (analysis) | analysis: RPS, limiting factor | measured (one API, one worker) | measured limiting factor |");
        line("| --- | --- | --- | --- |");
        browse.ifPresent(b -> line("| Lecture simple (GET) | 50-100 RPS; CPU/DB connections | "
                + b.lastWithin().map(s -> rps(s) + " of page views (" + users(s) + " browsing users, p95 " + ms(s, "p95_ms") + ")")
                .orElse("no step within the limit") + scaledNote(browse2) + " | " + limitingStep(b).map(Figures::cpu).orElse("—") + " |"));
        peak.ifPresent(p -> {
            Optional<Map<String, String>> last = p.lastWithin();
            String scans = last.flatMap(s -> p.request(s.get("step"), "door scan")).map(r -> fmt(Run.num(r, "rps")) + " door scans/s (p95 "
                    + r.get("p95_ms") + " ms)").orElse("—");
            String regs = normal.flatMap(n -> n.lastWithin().flatMap(s -> n.request(s.get("step"), "event registration")))
                    .map(r -> "; " + fmt(Run.num(r, "rps")) + " event registrations/s in normal activity (p95 " + r.get("p95_ms") + " ms)")
                    .orElse("");
            line("| Écriture DB | 20-40 RPS; DB write latency | " + scans + " in the peak mix, each one a database write (the scan, "
                    + "and the admission the first time, decided by the ticket's primary key)" + regs + " | "
                    + limitingStep(p).map(Figures::cpu).orElse("—") + " |");
            String checkouts = last.flatMap(s -> p.request(s.get("step"), "dues checkout")).map(r -> fmt(Run.num(r, "rps"))
                    + " Checkouts/s (p95 " + r.get("p95_ms") + " ms), each one Stripe API call").orElse("—");
            line("| Appel Stripe | 5-10 RPS; Stripe's rate limit | " + checkouts + " through the Stripe stub; our shared limiter allows "
                    + "100 calls/s (Stripe's live limit; 25/s in test mode) | the stub answers at once: Stripe's own 200-500 ms "
                    + "per call is not in these figures |");
            line("| Envoi email | 2-5 RPS; SendGrid's rate limit | " + emailRate(p) + " | the worker's CPU (about 3 ms of worker "
                    + "CPU per email in `ops/bench/email`); emails go to the local sink here, so SendGrid's rate limit is not in play |");
        });
        webhooks.ifPresent(w -> line("| *(not in the analysis)* Stripe webhooks, ingest | — | " + w.lastWithin()
                .map(s -> rps(s) + " accepted (" + users(s) + " concurrent deliveries, p95 " + ms(s, "p95_ms") + ")").orElse("—")
                + "; all applied " + w.verify("settled_after_run_s") + " s after the stream stopped | "
                + limitingStep(w).map(Figures::cpu).orElse("—") + " |"));
        line();
    }

    void usersTable() {
        line("## 2.2 Simultaneous users by activity type");
        line();
        line("A simultaneous user is one person in a session: a Gatling virtual user that makes one request, reads for a "
                + "think time of 3-7 s (uniform, mean 5 s: the analysis' own ratio of 200-500 users to 50-100 RPS is one request "
                + "every 4-5 s per user), then the next, for as long as the step lasts. It is not a request in flight. Measured: "
                + "the largest step that stayed within p95 ≤ 500 ms and errors ≤ 1 %, and the step where the limit was crossed.");
        line();
        line("| activity | analysis | measured: one API + one worker | limit crossed at | two APIs + two workers |");
        line("| --- | --- | --- | --- | --- |");
        browse.ifPresent(b -> line("| Navigation passive | 200-500 users | " + within(b) + " | " + crossedAt(b) + " | "
                + browse2.map(Figures::within).orElse("not run") + " |"));
        normal.ifPresent(n -> line("| Activité normale | 100-200 users | " + within(n) + " | " + crossedAt(n) + " | not run |"));
        peak.ifPresent(p -> line("| Pic d'activité | 50-100 users | " + within(p) + " | " + crossedAt(p) + " | not run |"));
        line();
        line("What the mixes are (details under \"Scenarios\"): passive browsing is 45 % signed-out visitors, 50 % members "
                + "reading, 5 % admins in the 20,000-member directory; normal activity adds 10 % registering for events, 7 % "
                + "paying dues and 1 % door gates; the peak is 35 % gates scanning every 1-2 s at one event, 25 % paying dues, 40 % "
                + "reading, plus signed Stripe webhooks at 0.2/s per user and a newsletter to 20,000 members sent meanwhile.");
        line();
    }

    void tiers() {
        double normalUsers = normal.flatMap(Run::lastWithin).map(s -> Run.num(s, "users")).orElse(0.0);
        double peakUsers = peak.flatMap(Run::lastWithin).map(s -> Run.num(s, "users")).orElse(0.0);
        line("## 3. Growth tiers");
        line();
        line("The analysis ties daily actives to simultaneous users (tier 1: < 500/day ↔ < 50 at once; tier 2: 500-2,000 ↔ "
                + "50-150), about 10-13 daily actives per simultaneous user. The measured column applies the same ratio (10) to "
                + "the normal-activity capacity of one API + one worker on this 2-core machine (" + users(normalUsers) + " users; "
                + users(peakUsers) + " in the peak mix); it is an extrapolation, the simultaneous users are what was measured.");
        line();
        line("| tier | analysis: daily actives / simultaneous / communities / transactions a month | analysis: status | this build, measured |");
        line("| --- | --- | --- | --- |");
        line("| Palier 1 | < 500 / < 50 / < 20 / < 500 | OK on Replit as is | " + tierStatus(normalUsers, 50) + " |");
        line("| Palier 2 | 500-2,000 / 50-150 / 20-100 / 500-2,000 | light optimisations needed (pool, cache, indexes, pagination, "
                + "monitoring) | " + tierStatus(normalUsers, 150) + "; the optimisations are in this build (bounded pools, Redis and "
                + "in-process caches, keyset pagination everywhere, JSON logs, metrics and alerts) |");
        line("| Palier 3 | > 2,000 / > 150 / > 100 / > 2,000 | move to dedicated infrastructure (separate worker, Redis, queue, "
                + "load balancer, replicas) | " + tierStatus(normalUsers, 150) + " (≈ " + users(normalUsers * 10)
                + " daily actives by the ratio above); the separate worker, Redis (sessions, caches, limits), the job queue and HAProxy exist, and an optional read replica (DATABASE_READ_URL; not used in this run); "
                + "this data set (200 communities, 30,100 accounts) is already tier 3 |");
        line();
        browse.ifPresent(b -> {
            Optional<Map<String, String>> last = b.lastWithin();
            Optional<Map<String, String>> dir = last.flatMap(s -> b.request(s.get("step"), "directory"));
            line("Total accounts (analysis 2.3: comfort < 5,000, soft limit 5,000-20,000, hard limit > 20,000): the run used "
                    + "30,100 accounts and one 20,000-member community; " + dir.map(r -> "its member directory answered at p95 "
                    + r.get("p95_ms") + " ms at the last browsing step within the limit (" + users(last.get()) + " users), so the "
                    + "number of accounts is not what limits this build.").orElse("no browsing step stayed within the limit in "
                    + "this run, so the directory's figure at scale is not measured here."));
            line();
        });
    }

    void thresholds() {
        double normalUsers = normal.flatMap(Run::lastWithin).map(s -> Run.num(s, "users")).orElse(0.0);
        String normalCross = normal.map(Figures::crossedAt).orElse("—");
        line("## 5. Transition thresholds");
        line();
        line("| indicator | analysis: threshold | analysis: action | measured on this build (one API + one worker, 2 cores) |");
        line("| --- | --- | --- | --- |");
        line("| Daily actives | > 500 | caching + DB pool | done; normal activity holds " + users(normalUsers)
                + " simultaneous users (≈ " + users(normalUsers * 10) + " daily actives at the analysis' ratio) |");
        line("| Simultaneous users | > 100 | watch, prepare a migration | normal activity crosses p95 500 ms or 1 % errors at "
                + normalCross + "; peak mix at " + peak.map(Figures::crossedAt).orElse("—")
                + ". Suggested alert: 70 % of the last step within the limit (" + users(normalUsers * 0.7)
                + " users in normal activity), watched through `GET /api/ops/stats` (p95 per route) and the `latency-p95` alert |");
        line("| Transactions a month | > 1,000 | check Stripe/SendGrid margins | " + peak.flatMap(p -> p.lastWithin()
                .flatMap(s -> p.request(s.get("step"), "dues checkout")).map(r -> fmt(Run.num(r, "rps")) + " Checkouts/s sustained in the "
                + "peak (" + users(Run.num(r, "rps") * 3600 * 24 * 30) + " a month at that rate)")).orElse("—")
                + "; the margins are Stripe's (100 calls/s live, shared limiter) and SendGrid's plan, not ours |");
        line("| Daily actives | > 2,000 | **move to dedicated infrastructure** | " + scalingSentence() + " |");
        line();
    }

    String scalingSentence() {
        if (browse.isEmpty() || browse2.isEmpty()) {
            return "two instances not measured in this run";
        }
        double one = browse.get().lastWithin().map(s -> Run.num(s, "users")).orElse(0.0);
        double two = browse2.get().lastWithin().map(s -> Run.num(s, "users")).orElse(0.0);
        return "two APIs + two workers on the same 2 cores hold " + users(two) + " browsing users against " + users(one)
                + " for one (factor " + factor(one, two) + "): beyond one machine's capacity the next step is more cores or machines "
                + "(`ops/deploy/`), which the shared-nothing APIs allow";
    }
}
