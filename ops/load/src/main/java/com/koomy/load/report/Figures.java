package com.koomy.load.report;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** How the capacity report words and formats one run's figures: users, rates, latencies, CPU shares, verdicts. */
final class Figures {

    private Figures() {
    }

    static long lostWebhooks(Run r) {
        if (!r.verify("webhooks_accepted_not_applied").isEmpty()) {
            return Run.count(r.verify("webhooks_accepted_not_applied"));
        }
        if (r.verify("webhooks_accepted").isEmpty()) {
            return 0;
        }
        return Math.max(0, Run.count(r.verify("webhooks_accepted")) - Run.count(r.verify("webhooks_settled")));
    }

    static long doubleAdmissions(Run r) {
        return Math.max(0, Run.count(r.verify("scans_admitted_answers")) - Run.count(r.verify("checkins_rows")))
                + Run.count(r.verify("tickets_admitted_twice"));
    }

    static long duplicateEmails(Run r) {
        return Run.count(r.verify("emails_duplicate")) + Run.count(r.verify("newsletter_recipients_twice"));
    }

    static String emailRate(Run p) {
        String sent = p.verify("emails_sent_during_run");
        double seconds = (Run.count(p.check("ended_at_ms")) - Run.count(p.check("started_at_ms"))) / 1000.0;
        if (sent.isEmpty() || seconds <= 0) {
            return "—";
        }
        return fmt(Run.count(sent) / seconds) + " recipients/s delivered during the peak run (" + sent + " in " + fmt(seconds)
                + " s, in " + p.verify("emails_requests_during_run") + " provider requests: the 20,000-member newsletter goes in "
                + "batches of 1,000, receipts one by one); the newsletter took "
                + p.verify("newsletter_seconds") + " s from queued to its last batch";
    }

    static String tierStatus(double measured, double tierUpper) {
        if (measured <= 0) {
            return "not measured";
        }
        return (measured >= tierUpper ? "OK" : "not reached") + ": " + users(measured) + " simultaneous users within the limit, "
                + fmt(measured / tierUpper) + "x the tier's " + users(tierUpper);
    }

    static String within(Run r) {
        return r.lastWithin().map(s -> "**" + users(s) + " users** (p95 " + ms(s, "p95_ms") + ", " + rps(s) + ")")
                .orElse("none (the first step crossed the limit)") + ceiling(r);
    }

    static String ceiling(Run r) {
        return r.crossed().isPresent() ? "" : " — every planned step passed, so this is a floor";
    }

    static String crossedAt(Run r) {
        return r.crossed().map(s -> users(s) + " users (p95 " + ms(s, "p95_ms") + ", errors " + s.get("error_pct") + " %)")
                .orElse("not within the steps run");
    }

    static String scaledNote(Optional<Run> scaled) {
        return scaled.flatMap(Run::lastWithin).map(s -> "; two APIs: " + rps(s) + " (" + users(s) + " users)").orElse("");
    }

    /** Where the CPU went when the limit was reached: the crossing step, else the last one. */
    static Optional<Map<String, String>> limitingStep(Run r) {
        return r.crossed().or(() -> r.steps().isEmpty() ? Optional.empty() : Optional.of(r.steps().get(r.steps().size() - 1)));
    }

    static String cpu(Map<String, String> s) {
        if (s.get("cpu_idle") == null || s.get("cpu_idle").isBlank()) {
            return "CPU shares not available";
        }
        double idle = Run.num(s, "cpu_idle");
        String shared = Run.num(s, "cpu_other") >= 30 ? " — mostly other people's work: the measure is of what was left of the machine" : "";
        return "at " + users(s) + " users: " + (idle < 10 ? "CPU, both cores busy (idle " + pct(s, "cpu_idle") + ")" : "not CPU-bound (idle " + pct(s, "cpu_idle") + ")")
                + ": API " + pct(s, "cpu_api") + ", worker " + pct(s, "cpu_worker") + ", PostgreSQL " + pct(s, "cpu_postgres")
                + ", Redis " + pct(s, "cpu_redis") + ", load generator " + pct(s, "cpu_generator") + ", other processes "
                + pct(s, "cpu_other") + "; load average " + s.get("load1") + shared;
    }

    static String blank(String v, String fallback) {
        return v == null || v.isEmpty() ? fallback : v;
    }

    static String factor(double a, double b) {
        return a > 0 ? String.format(Locale.ROOT, "× %.2f", b / a) : "—";
    }

    static String yes(boolean met) {
        return met ? "**yes**" : "**no**";
    }

    static String users(Map<String, String> s) {
        return users(Run.num(s, "users"));
    }

    static String users(double n) {
        return String.format(Locale.ROOT, "%,.0f", n);
    }

    static String rps(Map<String, String> s) {
        return fmt(Run.num(s, "rps")) + " req/s";
    }

    static String ms(Map<String, String> s, String key) {
        return s.get(key) + " ms";
    }

    static String pct(Map<String, String> s, String key) {
        String v = s.get(key);
        return v == null || v.isBlank() ? "—" : String.format(Locale.ROOT, "%.0f %%", Double.parseDouble(v));
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "—" : v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
