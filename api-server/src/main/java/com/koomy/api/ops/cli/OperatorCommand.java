package com.koomy.api.ops.cli;

import com.koomy.accounts.Accounts;
import com.koomy.api.ApiConfiguration;
import com.koomy.db.KoomyDatabase;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code operator grant|revoke EMAIL CONFIG}: flags an account as a platform operator (its session may call
 * {@code /api/ops/*}), or removes the flag, straight in the database: it works before any operator exists.
 */
public class OperatorCommand extends ConfiguredCommand<ApiConfiguration> {

    public OperatorCommand() {
        super("operator", "Make an account a platform operator (grant) or not (revoke)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("grant", "revoke");
        subparser.addArgument("email").help("the account's email address (any case or Unicode form)");
        super.configure(subparser);
    }

    /** An unknown address is a message for the operator, not a stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        cli.getStdErr().println("error: " + e.getMessage());
    }

    @Override
    protected void run(Bootstrap<ApiConfiguration> bootstrap, Namespace namespace, ApiConfiguration config) {
        boolean grant = "grant".equals(namespace.getString("action"));
        String email = namespace.getString("email");
        Jdbi jdbi = KoomyDatabase.standalone(config.getDatabase());
        boolean found = jdbi.withHandle(handle -> Accounts.setOperator(handle, email, grant));
        if (!found) {
            throw new IllegalArgumentException("no account with the email " + email);
        }
        System.out.printf("%s is %s a platform operator%n", email, grant ? "now" : "no longer");
    }
}
