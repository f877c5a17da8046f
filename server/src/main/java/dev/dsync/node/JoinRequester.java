package dev.dsync.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A node started with {@code --join} and the admin token asks to be added itself:
 * {@code POST <join-url>/cluster/members {"id": self, "url": advertised}}, retried with backoff
 * while the cluster cannot take it yet (no leader, another change in progress, the member asked is
 * down) and given up on an answer that retrying cannot change (a wrong token, a bad id). It stops
 * as soon as this node sees itself in its configuration, whoever added it. An adapter
 * (server/adapters.txt): a thread and HTTP calls of its own.
 */
final class JoinRequester implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JoinRequester.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 5_000;
    /** Past this the node stops asking (and says so): it may still be added by hand. */
    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    private final String selfId;
    private final URI joinUrl;
    private final String advertisedUrl;
    private final String adminToken;
    private final BooleanSupplier isMember;
    private final Duration requestTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private volatile Thread thread;

    JoinRequester(String selfId, URI joinUrl, String advertisedUrl, String adminToken, BooleanSupplier isMember,
                  Duration requestTimeout) {
        this.selfId = selfId;
        this.joinUrl = joinUrl;
        this.advertisedUrl = advertisedUrl;
        this.adminToken = adminToken;
        this.isMember = isMember;
        this.requestTimeout = requestTimeout;
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("join").start(this::run);
    }

    private void run() {
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            if (isMember.getAsBoolean()) {
                LOG.log(System.Logger.Level.INFO, "{0} is a member of the cluster it joined", selfId);
                return;
            }
            String problem;
            try {
                HttpResponse<String> answer = http.send(request(), HttpResponse.BodyHandlers.ofString());
                int status = answer.statusCode();
                if (status / 100 == 2) {
                    LOG.log(System.Logger.Level.INFO, "{0} joins through {1} as a learner (a voter once it has caught up): {2}",
                            selfId, joinUrl, answer.body());
                    return;
                }
                if (status == 409 && errorOf(answer.body()).contains("already a member")) {
                    LOG.log(System.Logger.Level.INFO, "{0} is already a member: {1}", selfId, answer.body());
                    return;
                }
                if (status == 400 || status == 401 || status == 403 || status == 404 || status == 409) {
                    LOG.log(System.Logger.Level.ERROR, "{0} cannot join through {1}: HTTP {2} {3}; add it by hand "
                            + "(POST /cluster/members) once that is fixed", selfId, joinUrl, status, answer.body());
                    return;
                }
                problem = "HTTP " + status + " " + answer.body();
            } catch (IOException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                return;
            }
            if (attempt == 1 || attempt % 10 == 0) {
                LOG.log(System.Logger.Level.INFO, "{0} asked {1} to add it (attempt {2}): {3}; trying again",
                        selfId, joinUrl, attempt, problem);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
        LOG.log(System.Logger.Level.ERROR, "{0} gave up asking {1} to add it after {2}; add it by hand (POST /cluster/members)",
                selfId, joinUrl, GIVE_UP_AFTER);
    }

    private HttpRequest request() {
        String body = JSON.createObjectNode().put("id", selfId).put("url", advertisedUrl).toString();
        return HttpRequest.newBuilder(joinUrl.resolve(MembersEndpoints.PATH))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String errorOf(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json == null ? "" : json.path("error").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
