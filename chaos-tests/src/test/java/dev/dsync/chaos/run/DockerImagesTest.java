package dev.dsync.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

class DockerImagesTest {
    private static final DockerImageName OFFICIAL = DockerImageName.parse("ghcr.io/shopify/toxiproxy");

    @Test
    void theOwnToxiproxyImageIsUsedWhenItExistsLocallyAndPassesAsTheOfficialOne() {
        DockerImageName image = DockerImages.toxiproxy(Map.<String, String>of()::get, name -> name.equals(DockerImages.OWN_TOXIPROXY));
        assertEquals(DockerImages.OWN_TOXIPROXY, image.asCanonicalNameString().replace("docker.io/library/", ""));
        assertTrue(image.isCompatibleWith(OFFICIAL), "ToxiproxyContainer would refuse " + image);
    }

    @Test
    void theOfficialImageIsUsedWhereTheOwnOneWasNotBuilt() {
        DockerImageName image = DockerImages.toxiproxy(Map.<String, String>of()::get, name -> false);
        assertEquals(DockerImages.OFFICIAL_TOXIPROXY, image.asCanonicalNameString());
    }

    @Test
    void toxiproxyImageFromTheEnvironmentWins() {
        DockerImageName image = DockerImages.toxiproxy(Map.of("TOXIPROXY_IMAGE", "registry.example/tp:9")::get, name -> true);
        assertEquals("registry.example/tp:9", image.asCanonicalNameString());
        assertTrue(image.isCompatibleWith(OFFICIAL));
    }
}
