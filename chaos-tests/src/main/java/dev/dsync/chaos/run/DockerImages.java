package dev.dsync.chaos.run;

import java.util.function.Function;
import java.util.function.Predicate;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The images of {@code CHAOS_BACKEND=docker}, from the environment:
 * <ul>
 *   <li>{@code DSYNC_NODE_IMAGE} (default {@code dsync-node:latest}, what {@code make docker-images}
 *       and docker compose build);
 *   <li>{@code TOXIPROXY_IMAGE}: by default the project's own {@code dsync-toxiproxy:latest} when
 *       it exists locally (a machine without a registry: {@code make docker-images} builds it), else
 *       the official {@code ghcr.io/shopify/toxiproxy:2.5.0}. The own image serves the same REST API
 *       and toxics (dev.dsync.chaos.toxiproxy), so it is declared a compatible substitute for the
 *       official one, which is what Testcontainers' ToxiproxyContainer insists on.
 * </ul>
 */
final class DockerImages {
    static final String OFFICIAL_TOXIPROXY = "ghcr.io/shopify/toxiproxy:2.5.0";
    static final String OWN_TOXIPROXY = "dsync-toxiproxy:latest";
    static final String DEFAULT_NODE = "dsync-node:latest";

    private DockerImages() {}

    static DockerImageName node() {
        return DockerImageName.parse(orDefault(System.getenv("DSYNC_NODE_IMAGE"), DEFAULT_NODE));
    }

    static DockerImageName toxiproxy() {
        return toxiproxy(System::getenv, DockerImages::existsLocally);
    }

    /** Pure choice, for tests: the environment and "does this image exist locally" come in. */
    static DockerImageName toxiproxy(Function<String, String> env, Predicate<String> existsLocally) {
        String name = env.apply("TOXIPROXY_IMAGE");
        if (name == null || name.isBlank()) {
            name = existsLocally.test(OWN_TOXIPROXY) ? OWN_TOXIPROXY : OFFICIAL_TOXIPROXY;
        }
        DockerImageName image = DockerImageName.parse(name);
        return image.isCompatibleWith(DockerImageName.parse("ghcr.io/shopify/toxiproxy"))
                ? image : image.asCompatibleSubstituteFor("ghcr.io/shopify/toxiproxy");
    }

    private static boolean existsLocally(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
