package dev.dsync.chaos.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;

/**
 * Ports for nodes and proxies that must be bound again later: a node restarts on its port, and a
 * proxy healed from a cut is disabled and enabled, which releases and rebinds its listen port.
 * Ports from the kernel's ephemeral range ({@code new ServerSocket(0)}, 32768-60999 on Linux) can be
 * taken in between by any outgoing connection's local port, and with several clusters running the
 * rebind then fails with "Address already in use". These come from below that range instead, handed
 * out once each per JVM, and only if nothing listens on them at the time.
 */
public final class StablePorts {
    static final int FIRST = 20_000;
    static final int LAST = 32_000;
    private static int next = FIRST;

    private StablePorts() {}

    /**
     * A port on {@code host} that no one listens on now and this JVM has not handed out before (until
     * it wraps), or 0 (the listener picks one) when {@code host} is not an address of this machine: an
     * external Toxiproxy server's ports cannot be probed from here.
     */
    public static synchronized int next(String host) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && !address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) == null) {
            return 0;
        }
        for (int tries = 0; tries <= LAST - FIRST; tries++) {
            int port = next;
            next = next == LAST ? FIRST : next + 1;
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(address, port));
                return port;
            } catch (IOException inUse) {
                // taken by someone else: try the next one
            }
        }
        throw new IOException("no free port between " + FIRST + " and " + LAST + " on " + host);
    }
}
