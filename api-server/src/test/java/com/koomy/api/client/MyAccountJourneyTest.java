package com.koomy.api.client;

import com.koomy.accounts.BuildAccountExport;
import com.koomy.accounts.BuildAccountExportJob;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.client.api.AccountsApi;
import com.koomy.client.model.AccountExportsExportView;
import com.koomy.client.model.AuthLoginRequest;
import com.koomy.client.model.AuthMe;
import com.koomy.client.model.MeChangePasswordRequest;
import com.koomy.client.model.MeSessionView;
import com.koomy.client.model.MeUpdateMeRequest;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * My account with the generated client alone: my name and locale, my password, my devices (one signed out from
 * another, then this one), and the export of my data, asked for, polled and downloaded once.
 */
class MyAccountJourneyTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final Journeys journeys = new Journeys(app::getLocalPort, db.jdbi());

    @Test
    void anAccountHolderChangesTheirProfileAndPasswordAndSignsADeviceOut() throws Exception {
        Journeys.Account ada = journeys.signUp("Ada Account");
        AccountsApi laptop = new AccountsApi(journeys.client(ada));
        String phoneToken = new AccountsApi(journeys.client((String) null))
                .login(new AuthLoginRequest().email(ada.email()).password("correct horse battery")).getToken();
        AccountsApi phone = new AccountsApi(journeys.client(phoneToken));

        AuthMe renamed = laptop.updateMe(new MeUpdateMeRequest().name("Ada Lovelace").locale(MeUpdateMeRequest.LocaleEnum.FR));
        assertThat(renamed.getName()).isEqualTo("Ada Lovelace");
        assertThat(renamed.getLocale()).isEqualTo("fr");
        assertThat(phone.getMe().getName()).isEqualTo("Ada Lovelace");
        journeys.refused("updateMe", 400, "invalid_name", () -> laptop.updateMe(new MeUpdateMeRequest().name("   ")));

        // two devices; the laptop signs the phone out
        List<MeSessionView> sessions = laptop.listMySessions().getItems();
        assertThat(sessions).hasSize(2);
        assertThat(sessions).filteredOn(MeSessionView::getCurrent).hasSize(1);
        MeSessionView phoneSession = sessions.stream().filter(s -> !s.getCurrent()).findFirst().orElseThrow();
        laptop.revokeMySession(phoneSession.getId());
        journeys.refused("getMe", 401, "invalid_session", phone::getMe);
        journeys.refused("revokeMySession", 404, "session_not_found", () -> laptop.revokeMySession(phoneSession.getId()));
        assertThat(laptop.listMySessions().getItems()).extracting(MeSessionView::getCurrent).containsExactly(true);

        // the password, with the current one
        journeys.refused("changeMyPassword", 400, "wrong_password", () -> laptop.changeMyPassword(
                new MeChangePasswordRequest().currentPassword("not my password").newPassword("a new long password")));
        journeys.refused("changeMyPassword", 400, "invalid_password", () -> laptop.changeMyPassword(
                new MeChangePasswordRequest().currentPassword("correct horse battery").newPassword("short")));
        laptop.changeMyPassword(new MeChangePasswordRequest().currentPassword("correct horse battery")
                .newPassword("a new long password"));
        AccountsApi anonymous = new AccountsApi(journeys.client((String) null));
        journeys.refused("login", 401, "invalid_credentials", () -> anonymous.login(new AuthLoginRequest()
                .email(ada.email()).password("correct horse battery")));
        assertThat(anonymous.login(new AuthLoginRequest().email(ada.email()).password("a new long password")).getToken())
                .isNotBlank();

        // signing out ends this session
        laptop.logout();
        journeys.refused("getMe", 401, "invalid_session", laptop::getMe);
    }

    @Test
    void anAccountHolderExportsTheirDataAndDownloadsItOnce() throws Exception {
        Journeys.Account eda = journeys.signUp("Eda Export");
        journeys.community(eda, "Eda's club " + Journeys.unique());
        AccountsApi me = new AccountsApi(journeys.client(eda));

        AccountExportsExportView asked = me.requestMyDataExport();
        assertThat(asked.getStatus()).isEqualTo("pending");
        assertThat(me.getMyDataExport(asked.getId().toString()).getDownloadUrl()).isNull();
        new BuildAccountExportJob(db.jdbi()).run(new BuildAccountExport(asked.getId())); // the worker's part

        AccountExportsExportView ready = me.getMyDataExport(asked.getId().toString());
        assertThat(ready.getStatus()).isEqualTo("ready");
        String query = URI.create(ready.getDownloadUrl()).getRawQuery();
        String token = URLDecoder.decode(query.substring(query.indexOf("token=") + 6), StandardCharsets.UTF_8);
        AccountsApi browser = new AccountsApi(journeys.client((String) null));
        Object archive = browser.downloadMyDataExport(asked.getId().toString(), token);
        assertThat(archive).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) ((Map<?, ?>) archive).get("profile")).get("email")).isEqualTo(eda.email());
        journeys.refused("downloadMyDataExport", 404, "export_link_invalid",
                () -> browser.downloadMyDataExport(asked.getId().toString(), token));
        assertThat(me.getMyDataExport(asked.getId().toString()).getStatus()).isEqualTo("downloaded");

        Journeys.Account eve = journeys.signUp("Eve Curious");
        journeys.refused("getMyDataExport", 404, "export_not_found",
                () -> new AccountsApi(journeys.client(eve)).getMyDataExport(asked.getId().toString()));
    }
}
