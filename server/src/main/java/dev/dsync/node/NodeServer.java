package dev.dsync.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.dsync.http.AdminToken;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.HttpMetrics;
import dev.dsync.http.LeaderForwarder;
import dev.dsync.http.Route;
import dev.dsync.http.Router;
import dev.dsync.raft.Membership;
import dev.dsync.raft.RaftConfig;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Role;
import dev.dsync.statemachine.SessionStateMachine;
import dev.dsync.statemachine.StateDigest;
import dev.dsync.storage.RaftLogStore;
import dev.dsync.storage.StoreOptions;
import dev.dsync.transport.MemberDirectory;
import dev.dsync.transport.PeerStreamReceiver;
import dev.dsync.transport.PeerTransport;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** One node process: storage, Raft loop, peer transport and the HTTP server, wired together. */
public final class NodeServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeServer.class.getName());

    static {
        // Small JSON answers would otherwise wait for Nagle's algorithm and the peer's delayed ACK
        // (about 40 ms a round trip). Read once, when the JDK's HTTP server first loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final NodeConfig config;
    private final RaftLogStore store;
    private final PeerTransport transport;
    private final RaftLoop loop;
    private final ServiceModule service;
    private final HttpServer http;
    private final ThreadTimers timers = new ThreadTimers();
    private final JoinRequester joiner;
    private final LeaderForwarder forwarder;
    private volatile boolean closed;

    public NodeServer(NodeConfig config, ServiceModule service) throws IOException {
        this.config = config;
        this.service = service;
        PrometheusRegistry registry = new PrometheusRegistry();
        // Gauges read the loop's status at scrape time, after construction has finished.
        AtomicReference<RaftLoop> loopRef = new AtomicReference<>();
        NodeMetrics metrics = new NodeMetrics(registry, () -> loopRef.get().status(), () -> loopRef.get().view());
        this.store = RaftLogStore.open(config.dataDir(),
                new StoreOptions(config.segmentBytes(), metrics::fsync, config.fsync()));
        var recovered = store.recovered();
        SessionStateMachine machine = new SessionStateMachine(service.stateMachine());
        if (recovered.snapshot() != null) {
            machine.restore(recovered.snapshot().data());
        }
        Membership bootstrap = bootstrap(config);
        RaftConfig raftConfig = new RaftConfig(config.nodeId(), bootstrap, config.electionTicks(), config.heartbeatTicks(),
                256, 8, true, true);
        Random random = new Random(new SecureRandom().nextLong());
        RaftCore core = new RaftCore(raftConfig, random::nextInt, recovered);
        MemberDirectory directory = new MemberDirectory(config.peers());
        this.transport = new PeerTransport(config.nodeId(), directory, config.advertiseUrl().toString(), config.clusterToken(),
                Duration.ofMillis(Math.max(200, (long) config.tickMs() * config.electionTicks())));
        metrics.registerPeerDrops(registry, transport::droppedMessages, transport::unknownDestinations);
        // One command clock for the loop (which feeds it applied stamps) and the services (which stamp and wait by it).
        CommandClock clock = new CommandClock(SystemClock.INSTANCE);
        this.loop = new RaftLoop(core, store, machine, service, transport, directory, bootstrap, metrics, config.tickMs(),
                config.snapshotEvery(), clock);
        loopRef.set(loop);
        service.registerMetrics(registry);

        this.forwarder = new LeaderForwarder(config.nodeId(), directory, config.clusterToken(),
                Duration.ofMillis(config.requestTimeoutMs() + 1000L));
        Router router = new Router(loop::isLeader, loop::leaderId, forwarder, config.clusterToken(), new HttpMetrics(registry));
        router.add(Route.local("GET", "/health", request -> ApiResponse.ok(health())));
        router.add(Route.local("GET", "/metrics", request -> ApiResponse.text(scrape(registry))));
        router.add(Route.local("GET", "/debug/digest", request -> ApiResponse.ok(digest())));
        RequestWaiter waiter = new RequestWaiter(config.requestTimeoutMs());
        MemberChanges changes = new MemberChanges(config.nodeId(), loop, waiter.timeoutMs(), SystemClock.INSTANCE, timers, forwarder);
        for (Route route : new MembersEndpoints(new AdminToken(config.adminToken()), loop, changes, waiter, forwarder, timers).routes()) {
            router.add(route);
        }
        for (Route route : service.routes(new ServiceContext(config.nodeId(), loop, waiter, forwarder, clock, timers))) {
            router.add(route, this::refuseIfRemoved);
        }
        this.http = HttpServer.create(new InetSocketAddress(config.bindHost(), config.port()), 1024);
        http.createContext("/", router);
        http.createContext(PeerTransport.STREAM_PATH,
                new PeerStreamReceiver(config.nodeId(), directory, config.clusterToken(), loop::deliver));
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        this.joiner = joiner(config, recovered.snapshot() == null && recovered.entries().isEmpty());
    }

    /** The founding members of --peers, each a voter at its URL; none for a node that joins (it learns them). */
    private static Membership bootstrap(NodeConfig config) {
        Map<String, String> voters = new LinkedHashMap<>();
        config.peers().forEach((id, url) -> voters.put(id, url.toString()));
        return new Membership(voters, Map.of());
    }

    /**
     * Who asks the cluster to add this node, if anyone: only a joining node with the admin token, and
     * only on its first start (with a log, it has its configuration from it, and a removed node must
     * not add itself back by restarting).
     */
    private JoinRequester joiner(NodeConfig config, boolean freshDataDir) {
        if (config.joinUrl() == null) {
            return null;
        }
        if (!freshDataDir) {
            LOG.log(System.Logger.Level.INFO, "{0} restarts on its own log''s configuration ({1}); --join {2} is not used",
                    config.nodeId(), loop.view().configuration(), config.joinUrl());
            return null;
        }
        if (config.adminToken().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0} waits to be added: POST {1}{2} '{'\"id\":\"{0}\",\"url\":\"{3}\"'}' "
                    + "with the admin token (or start it with --admin-token to ask itself)",
                    config.nodeId(), config.joinUrl(), MembersEndpoints.PATH, config.advertiseUrl());
            return null;
        }
        return new JoinRequester(config.nodeId(), config.joinUrl(), config.advertiseUrl().toString(), config.adminToken(),
                () -> loop.view().configuration().contains(config.nodeId()), Duration.ofMillis(config.requestTimeoutMs() + 2000L));
    }

    /** A node removed from its cluster serves no service request (its state stops at its removal). */
    private ApiException refuseIfRemoved() {
        return loop.view().serviceRefusal();
    }

    public void start() {
        loop.start();
        http.start();
        service.start();
        if (joiner != null) {
            joiner.start(); // after http.start(): the leader connects to this node as soon as it is added
        }
        LOG.log(System.Logger.Level.INFO, "{0} node {1} listening on {2}:{3}, data in {4}",
                config.service(), config.nodeId(), config.bindHost(), Integer.toString(config.port()), config.dataDir());
    }

    private ObjectNode health() {
        NodeStatus s = loop.status();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("ok", true);
        body.put("id", config.nodeId());
        body.put("service", config.service());
        body.put("role", s.role().code);
        body.put("role_name", s.role().displayName());
        body.put("term", s.term());
        if (s.leaderId() == null) {
            body.putNull("leader");
        } else {
            body.put("leader", s.leaderId());
        }
        body.put("snapshot_index", s.snapshotIndex());
        body.put("last_index", s.lastIndex());
        body.put("commit_index", s.commitIndex());
        body.put("applied_index", s.appliedIndex());
        MembershipView members = loop.view();
        body.put("removed", members.removed());
        ArrayNode list = body.putArray("members");
        for (String id : members.configuration().members()) {
            list.addObject().put("id", id).put("role", members.roleOf(id));
        }
        return body;
    }

    /** This replica's state digest at its applied index, to compare with the other replicas' (see {@link StateDigest}). */
    private ObjectNode digest() throws InterruptedException, ExecutionException {
        StateDigest d;
        try {
            d = loop.digest().get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(503, "the raft loop did not compute the digest within " + config.requestTimeoutMs() + " ms; retry");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("id", config.nodeId());
        body.put("applied_index", d.appliedIndex());
        body.put("digest", d.digest());
        body.put("algorithm", d.algorithm());
        return body;
    }

    private static String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Graceful stop: hand leadership over first so clients see no election pause. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (loop.status().role() == Role.LEADER) {
                loop.transferLeadershipAway((long) config.tickMs() * config.electionTicks() * 2);
            }
            if (joiner != null) {
                joiner.close();
            }
            http.stop(0);
            service.close();
            loop.close();
            transport.close();
            timers.close();
            forwarder.close();
            store.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "error while closing the store", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
