package dev.dsync.node;

import dev.dsync.cache.CacheService;
import dev.dsync.cache.LeaseTiming;
import dev.dsync.lock.LockService;
import dev.dsync.queue.QueueService;

/** Entry point of a node process: {@code java -jar server.jar --service lock --id lock-1 ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        // PEERS may name hosts whose address changes when they restart (containers do): look names up
        // at every connect rather than trusting the JVM's 30 s cache. Peer streams connect rarely.
        java.security.Security.setProperty("networkaddress.cache.ttl", "0");
        java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
        // One line per log record, ISO time first: node logs are read side by side in chaos results.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(NodeConfig.usage());
            return;
        }
        NodeConfig config;
        try {
            config = NodeConfig.parse(args, System::getenv);
        } catch (NodeConfig.ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(NodeConfig.usage());
            System.exit(2);
            return;
        }
        NodeJvm.relaunchIfBare(args);
        if (config.warmUp()) {
            WarmUp.run(config.service());
        }
        NodeServer server = new NodeServer(config, serviceFor(config));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        server.start();
    }

    static ServiceModule serviceFor(NodeConfig config) {
        return switch (config.service()) {
            case "lock" -> new LockService();
            case "queue" -> new QueueService(QueueService.storageLimit(config.queueMaxBytes(), Runtime.getRuntime().maxMemory()));
            case "cache" -> new CacheService(config.nodeId(), config.cacheCapacity(),
                    LeaseTiming.DEFAULT.check((long) config.tickMs() * config.electionTicks()), CacheService.DROP_AFTER_MS,
                    SystemClock.INSTANCE);
            default -> throw new NodeConfig.ConfigException("service '" + config.service() + "' is not available yet");
        };
    }
}
