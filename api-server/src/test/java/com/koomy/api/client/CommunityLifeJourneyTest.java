package com.koomy.api.client;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.client.api.MediaApi;
import com.koomy.client.api.MembershipsApi;
import com.koomy.client.api.NewsApi;
import com.koomy.client.api.NewslettersApi;
import com.koomy.client.model.Member;
import com.koomy.client.model.MediaUrlsMediaView;
import com.koomy.client.model.NewsCreateNewsRequest;
import com.koomy.client.model.NewsNewsResponse;
import com.koomy.client.model.NewsSummary;
import com.koomy.client.model.NewsletterPreview;
import com.koomy.client.model.NewsletterView;
import com.koomy.client.model.NewslettersCreateNewsletterRequest;
import com.koomy.client.model.NewslettersSendNewsletterRequest;
import com.koomy.client.model.NewslettersTestSent;
import com.koomy.client.model.NewslettersUpdateNewsletterRequest;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestImages;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A community's life with the generated client: the directory and its CSV, a news post with an image (uploaded
 * through the okhttp-gson client generated from the same document, see {@link Journeys#uploads}), published and
 * read by a member, and a newsletter drafted, previewed, tested on the sender and sent.
 */
class CommunityLifeJourneyTest {

    private static final Path STORAGE = storage();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("media.storage.localDir", STORAGE.toString()),
            ConfigOverride.config("unsubscribeSecret", "unsubscribe-journey-" + UUID.randomUUID()),
            ConfigOverride.config("publicUrl", "https://koomy.test"));

    private final Journeys journeys = new Journeys(app::getLocalPort, db.jdbi());

    private static Path storage() {
        try {
            return Files.createTempDirectory("koomy-journey-media");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theDirectoryIsReadAndExportedByItsManagersOnly() throws Exception {
        Journeys.Account owner = journeys.signUp("Olivia Owner");
        UUID club = journeys.community(owner, "Chess " + Journeys.unique());
        Journeys.Account bea = journeys.member(club, "Bea Bishop");
        journeys.member(club, "Karl Knight");

        MembershipsApi directory = new MembershipsApi(journeys.client(owner));
        List<Member> all = directory.listMembers(club, null, null, null, null, 10, null, null).getItems();
        assertThat(all).extracting(Member::getName).containsExactly("Bea Bishop", "Karl Knight", "Olivia Owner");
        assertThat(directory.listMembers(club, null, "owner", null, null, 10, null, null).getItems())
                .extracting(Member::getName).containsExactly("Olivia Owner");
        assertThat(directory.listMembers(club, null, null, null, "knight", 10, null, null).getItems())
                .extracting(Member::getName).containsExactly("Karl Knight");
        assertThat(directory.listMembers(club, null, null, "overdue", null, 10, null, null).getItems()).hasSize(3);

        String csv = Files.readString(directory.exportMembers(club).toPath());
        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("\"name\",\"email\",\"role\",\"status\",\"dues_paid_until\",\"joined_at\"");
        assertThat(csv.lines()).hasSize(4);
        assertThat(csv).contains(bea.email());

        MembershipsApi member = new MembershipsApi(journeys.client(bea));
        journeys.refused("listMembers", 403, "forbidden", () -> member.listMembers(club, null, null, null, null, 10, null, null));
        journeys.refused("exportMembers", 403, "forbidden", () -> member.exportMembers(club));
        journeys.refused("listMembers", 400, "invalid_role",
                () -> directory.listMembers(club, null, "king", null, null, 10, null, null));
    }

    @Test
    void aPostWithAnImageIsPublishedAndANewsletterIsPreviewedTestedAndSent() throws Exception {
        Journeys.Account owner = journeys.signUp("Nora News");
        UUID club = journeys.community(owner, "Rowing " + Journeys.unique());
        Journeys.Account reader = journeys.member(club, "Rita Reader");
        NewsApi news = new NewsApi(journeys.client(owner));

        NewsNewsResponse draft = news.createNews(club, new NewsCreateNewsRequest().title("Spring regatta")
                .body("We won **three** races."));
        assertThat(draft.getStatus()).isEqualTo("draft");
        Path png = Files.write(Files.createTempFile("news-image", ".png"), TestImages.png(64, 48, false));
        png.toFile().deleteOnExit();
        com.koomy.client.okhttp.model.MediaUrlsMediaView image = journeys.uploads(owner)
                .addNewsImage(club, draft.getId(), png.toFile());
        assertThat(image.getFormat()).isEqualTo("png");
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(new MediaApi(journeys.client(owner)).listNewsImages(club, draft.getId()).getItems())
                .extracting(MediaUrlsMediaView::getId).containsExactly(image.getId());
        NewsApi readerNews = new NewsApi(journeys.client(reader));
        journeys.refused("getNewsPost", 404, "news_not_found", () -> readerNews.getNewsPost(club, draft.getId()));

        assertThat(news.publishNews(club, draft.getId()).getStatus()).isEqualTo("published");
        assertThat(readerNews.listNews(club, null, 10, null).getItems()).extracting(NewsSummary::getTitle)
                .containsExactly("Spring regatta");
        assertThat(readerNews.getNewsPost(club, draft.getId()).getBody()).contains("three");
        // sizes are made by the worker: processing until then
        assertThat(new MediaApi(journeys.client(reader)).getMedia(club, image.getId()).getStatus()).isIn("processing", "ready");

        // the newsletter: drafted, changed, previewed, tested on the sender, sent
        NewslettersApi newsletters = new NewslettersApi(journeys.client(owner));
        NewsletterView letter = newsletters.createNewsletter(club, new NewslettersCreateNewsletterRequest()
                .subject("Regatta news").body("Hello **rowers**").segment(NewslettersCreateNewsletterRequest.SegmentEnum.ALL));
        assertThat(letter.getStatus()).isEqualTo("draft");
        letter = newsletters.updateNewsletter(club, letter.getId(), new NewslettersUpdateNewsletterRequest()
                .subject("Regatta results"));
        assertThat(letter.getSubject()).isEqualTo("Regatta results");
        UUID letterId = letter.getId();
        NewsletterPreview preview = newsletters.previewNewsletter(club, letterId);
        assertThat(preview.getSubject()).isEqualTo("Regatta results");
        assertThat(preview.getHtml()).contains("<strong>rowers</strong>");
        assertThat(preview.getAudience()).isEqualTo(2L);
        NewslettersTestSent test = newsletters.sendNewsletterTest(club, letterId);
        assertThat(test.getEmailId()).isNotNull();
        journeys.refused("sendNewsletter", 403, "forbidden", () -> new NewslettersApi(journeys.client(reader))
                .sendNewsletter(club, letterId, new NewslettersSendNewsletterRequest()));

        NewsletterView sent = newsletters.sendNewsletter(club, letterId, new NewslettersSendNewsletterRequest());
        assertThat(sent.getStatus()).isEqualTo("queued");
        assertThat(newsletters.getNewsletter(club, letterId).getStatus()).isIn("queued", "sending", "sent");
        journeys.refused("sendNewsletter", 409, "newsletter_not_draft",
                () -> newsletters.sendNewsletter(club, letterId, new NewslettersSendNewsletterRequest()));
        journeys.refused("updateNewsletter", 409, "newsletter_not_draft", () -> newsletters.updateNewsletter(club, letterId,
                new NewslettersUpdateNewsletterRequest().subject("Too late")));
        assertThat(newsletters.listNewsletters(club, 10, null).getItems()).extracting(NewsletterView::getId)
                .containsExactly(letterId);
    }
}
