package com.koomy.email;

import com.koomy.email.sendgrid.SendGridMailer;
import com.koomy.testing.SendGridStub;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * SendGrid's stub and a mailer on it (5 s timeout, 4 connections) for a test class's delivery tests; every
 * test starts with the stub accepting everything and no request recorded.
 */
final class SendGridMail implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    SendGridStub stub;
    SendGridMailer mailer;

    @Override
    public void beforeAll(ExtensionContext context) {
        stub = new SendGridStub();
        mailer = new SendGridMailer(stub.config(5), 4);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            mailer.close();
        } finally {
            stub.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        stub.accept();
        stub.resetRequests();
    }
}
