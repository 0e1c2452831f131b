package com.koomy.email.sendgrid;

import com.koomy.config.SendGridFactory;
import com.koomy.email.Delivery;
import com.koomy.email.Mailer;
import com.koomy.email.OutgoingEmail;
import com.koomy.email.Recipient;
import com.koomy.email.RecipientCopy;
import com.koomy.newsletters.ListUnsubscribe;
import com.sendgrid.Client;
import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Attachments;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import com.sendgrid.helpers.mail.objects.SubscriptionTrackingSetting;
import com.sendgrid.helpers.mail.objects.TrackingSettings;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Sends through SendGrid's v3 mail/send with the official client, one personalization per recipient
 * (so a batch never shows its recipients to each other), our idempotency key in the custom args
 * ({@code koomy_key}, {@code koomy_email_id}, {@code koomy_attempt}) so every SendGrid event can be traced
 * back to the row and the attempt: an event of an attempt that died in SendGrid's hands settles the row
 * ({@link com.koomy.email.InterruptedAttempts}).
 */
public class SendGridMailer implements Mailer, Closeable {

    private final SendGrid sendGrid;
    private final CloseableHttpClient http;
    private final Email from;

    public SendGridMailer(SendGridFactory config, int maxConnections) {
        URI base = URI.create(config.getBaseUrl());
        int connect = (int) config.getConnectTimeout().toMilliseconds();
        // The read timeout is the long one: SendGrid may still accept a mail it answers slowly.
        int answer = (int) config.getRequestTimeout().toMilliseconds();
        this.http = HttpClients.custom()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(connect).setConnectionRequestTimeout(connect).setSocketTimeout(answer).build())
                .disableAutomaticRetries()
                .build();
        // The client's "test" flag means plain HTTP: only for a local stub.
        this.sendGrid = new SendGrid(config.getApiKey(), new Client(http, "http".equals(base.getScheme())));
        this.sendGrid.setHost(base.getPort() < 0 ? base.getHost() : base.getHost() + ":" + base.getPort());
        this.from = new Email(config.getFromEmail(), config.getFromName());
    }

    @Override
    public String name() {
        return "sendgrid";
    }

    @Override
    public boolean rateLimited() {
        return true;
    }

    @Override
    public Delivery send(OutgoingEmail email) throws IOException {
        Request request = new Request();
        request.setMethod(Method.POST);
        request.setEndpoint("mail/send");
        request.setBody(mail(email).build());
        // api() makes one call (host, version and auth headers added); on a 429 the row waits in the queue.
        Response response = sendGrid.api(request);
        int status = response.getStatusCode();
        if (status >= 200 && status < 300) {
            return new Delivery.Accepted(header(response.getHeaders(), "X-Message-Id"));
        }
        String detail = "SendGrid " + status + ": " + abbreviate(response.getBody());
        if (status == 429) {
            return new Delivery.RateLimited(retryAfter(response.getHeaders()), detail);
        }
        if (status >= 500) {
            return new Delivery.Unavailable(status, detail);
        }
        return new Delivery.Rejected(status, detail);
    }

    private Mail mail(OutgoingEmail email) {
        Mail mail = new Mail();
        mail.setFrom(from);
        mail.setSubject(email.content().subject());
        // SendGrid requires text/plain before text/html.
        mail.addContent(new Content("text/plain", email.content().text()));
        mail.addContent(new Content("text/html", email.content().html()));
        for (Recipient recipient : email.to()) {
            Personalization personalization = new Personalization();
            personalization.addTo(new Email(recipient.email(), recipient.name()));
            Map<String, String> headers = email.headers().get(recipient.email());
            if (headers != null) {
                headers.forEach(personalization::addHeader);
                String url = RecipientCopy.unsubscribeUrl(headers);
                if (url != null) {
                    // The footer's link: the same signed URL as the header's.
                    personalization.addSubstitution(ListUnsubscribe.URL_PLACEHOLDER, url);
                }
            }
            Map<String, String> substitutions = email.substitutions().get(recipient.email());
            if (substitutions != null) {
                substitutions.forEach(personalization::addSubstitution);
            }
            mail.addPersonalization(personalization);
        }
        mail.addCustomArg("koomy_key", email.idempotencyKey());
        mail.addCustomArg("koomy_email_id", email.id().toString());
        mail.addCustomArg("koomy_attempt", Integer.toString(email.attempt()));
        mail.addCategory(email.category());
        for (OutgoingEmail.InlineImage image : email.inlineImages()) {
            Attachments attachment = new Attachments();
            attachment.setContent(Base64.getEncoder().encodeToString(image.png()));
            attachment.setType("image/png");
            attachment.setFilename(image.filename());
            attachment.setDisposition("inline");
            attachment.setContentId(image.contentId());
            mail.addAttachments(attachment);
        }
        if (email.bulk() && email.headers().isEmpty()) {
            // Bulk mail without our own List-Unsubscribe (dues reminders) carries SendGrid's unsubscribe link;
            // unsubscribes come back through the event webhook.
            TrackingSettings tracking = new TrackingSettings();
            SubscriptionTrackingSetting subscription = new SubscriptionTrackingSetting();
            subscription.setEnable(true);
            tracking.setSubscriptionTrackingSetting(subscription);
            mail.setTrackingSettings(tracking);
        }
        return mail;
    }

    /** SendGrid's X-RateLimit-Reset is the Unix time (seconds) when the limit resets. */
    private static Duration retryAfter(Map<String, String> headers) {
        String reset = header(headers, "X-RateLimit-Reset");
        if (reset != null) {
            try {
                Duration wait = Duration.between(Instant.now(), Instant.ofEpochSecond(Long.parseLong(reset.trim())));
                return wait.isNegative() ? Duration.ofSeconds(1) : wait.plusMillis(100);
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After or the default
            }
        }
        String retryAfter = header(headers, "Retry-After");
        if (retryAfter != null && retryAfter.trim().matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
        }
        return Duration.ofSeconds(1);
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= 500 ? body : body.substring(0, 500) + "…";
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
