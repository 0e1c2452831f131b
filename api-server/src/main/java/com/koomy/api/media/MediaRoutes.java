package com.koomy.api.media;

import com.koomy.api.ApiContext;
import com.koomy.config.MediaFactory;
import com.koomy.media.CommunityMedia;
import com.koomy.media.MediaBlobs;
import com.koomy.media.image.ImagePipeline;
import com.koomy.media.storage.BlobStore;

/** Image uploads (issue 8): originals re-encoded here, smaller sizes by the worker; blobs served at /media. */
public final class MediaRoutes {

    private MediaRoutes() {
    }

    public static void register(ApiContext app) {
        MediaFactory media = app.config().getMedia();
        BlobStore blobStore = media.getStorage().build(app.environment().lifecycle());
        ImagePipeline images = new ImagePipeline(media).registerMetrics(app.metrics());
        CommunityMedia communityMedia = new CommunityMedia(app.jdbi(), images, new MediaBlobs(app.jdbi(), blobStore), media);
        MediaUrls urls = new MediaUrls(media.blobBaseUrl(app.config().getPublicUrl()));
        app.jersey().register(new MediaResource(communityMedia, urls));
        app.jersey().register(new MediaUploadResource(communityMedia, urls, media.getMaxUploadSize().toBytes(),
                media.tempDirectory()));
        app.jersey().register(new MediaBlobResource(blobStore));
    }
}
