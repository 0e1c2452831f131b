package com.koomy.worker.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The retries that follow a failed answer, per email: after its n-th 5xx the worker tries no earlier than 3^n s
 * later (0.5 s allowed for clocks); after a 429, not before the X-RateLimit-Reset the stub gave.
 */
final class Backoff {
    long after5xx;
    long early5xx;
    long most5xx;
    long after429;
    long early429;

    static Backoff of(List<StubMail.Call> calls) {
        Backoff b = new Backoff();
        Map<String, List<StubMail.Call>> byKey = new LinkedHashMap<>();
        calls.forEach(c -> byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c));
        for (List<StubMail.Call> own : byKey.values()) {
            int fives = 0;
            for (int i = 0; i < own.size(); i++) {
                StubMail.Call c = own.get(i);
                StubMail.Call next = i + 1 < own.size() ? own.get(i + 1) : null;
                if (c.status() >= 500) {
                    fives++;
                    b.most5xx = Math.max(b.most5xx, fives);
                    if (next != null) {
                        b.after5xx++;
                        if (next.atMs() - c.atMs() < 1000 * Math.pow(3, fives) - 500) {
                            b.early5xx++;
                        }
                    }
                } else if (c.status() == 429 && next != null && c.resetSecond() > 0) {
                    b.after429++;
                    if (next.atMs() < c.resetSecond() * 1000 - 500) {
                        b.early429++;
                    }
                }
            }
        }
        return b;
    }
}
