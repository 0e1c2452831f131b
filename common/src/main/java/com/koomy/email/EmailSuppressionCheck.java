package com.koomy.email;

import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of these recipients must not receive this email: bounced, dropped and spam-reporting
 * addresses receive nothing; unsubscribed ones receive no bulk mail (see {@code email_suppressions}).
 */
final class EmailSuppressionCheck {

    private EmailSuppressionCheck() {
    }

    static List<Recipient> suppressed(Handle handle, List<Recipient> recipients, boolean bulk) {
        Set<String> blocked = handle.createQuery("""
                        SELECT email FROM email_suppressions
                         WHERE email = ANY(:emails) AND (scope = 'all' OR :bulk)
                        """)
                .bindArray("emails", String.class, recipients.stream().map(Recipient::email).toList())
                .bind("bulk", bulk)
                .mapTo(String.class)
                .collect(Collectors.toSet());
        return recipients.stream().filter(r -> blocked.contains(r.email())).toList();
    }
}
