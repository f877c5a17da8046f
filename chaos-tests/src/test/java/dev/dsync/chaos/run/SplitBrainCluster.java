package dev.dsync.chaos.run;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Three {@link SplitBrainLockServer}s posing as a lock cluster; it has no links to cut. */
final class SplitBrainCluster implements InProcessCluster {
    private final Map<String, SplitBrainLockServer> nodes = new LinkedHashMap<>();

    @Override
    public String service() {
        return "lock";
    }

    @Override
    public List<String> nodeIds() {
        return List.of("broken-1", "broken-2", "broken-3");
    }

    @Override
    public URI clientUrl(String nodeId) {
        return URI.create("http://127.0.0.1:" + nodes.get(nodeId).port());
    }

    @Override
    public void start() throws IOException {
        for (String id : nodeIds()) {
            nodes.put(id, new SplitBrainLockServer(id));
        }
    }

    @Override
    public boolean isRunning(String nodeId) {
        return nodes.containsKey(nodeId);
    }

    @Override
    public void close() {
        new ArrayList<>(nodes.values()).forEach(SplitBrainLockServer::close);
        nodes.clear();
    }
}
