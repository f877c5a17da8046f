package dev.dsync.node;

import dev.dsync.raft.Entry;
import dev.dsync.raft.Membership;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.Snapshot;
import dev.dsync.transport.MemberDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the Raft loop keeps of the cluster's configuration: which one is in force, which members
 * left it without the change being known committed yet, whether this node was removed, and how
 * many changes were applied. It publishes the members' addresses to the {@link MemberDirectory}
 * (and has stale peer links closed) whenever they change, and a {@link MembershipView} for readers.
 *
 * <p>A member that left is still reached until a configuration without it is applied: the leader
 * keeps sending it the log until its removal commits, so that it learns of it and stops campaigning.
 *
 * <p>Loop-confined, but for {@link #view}.
 */
public final class MembershipTracker {
    private final String selfId;
    private final MemberDirectory directory;
    private final Runnable addressesChanged;
    private Membership current;
    /** Members that left a configuration not yet applied, with their last address. */
    private final Map<String, String> departing = new TreeMap<>();
    private boolean wasMember;
    private long changesApplied;
    private volatile MembershipView view;

    /**
     * @param inForce          the configuration in force at start
     * @param earlier          every configuration this node's log still records (its snapshot's, its
     *                         entries'), and the bootstrap one: whether this node was a member once,
     *                         and whom a leader may still be removing
     * @param addressesChanged run after each publication (closes the links the directory forgot)
     */
    public MembershipTracker(String selfId, Membership inForce, Iterable<Membership> earlier, MemberDirectory directory,
                             Runnable addressesChanged) {
        this.selfId = selfId;
        this.directory = directory;
        this.addressesChanged = addressesChanged;
        this.current = inForce;
        this.wasMember = inForce.contains(selfId);
        for (Membership m : earlier) {
            wasMember |= m.contains(selfId);
            for (String id : m.members()) {
                if (!inForce.contains(id)) {
                    departing.put(id, m.address(id));
                }
            }
        }
        publish();
    }

    /** Every configuration a node's recovered state still records, and the bootstrap one (the {@code earlier} of a tracker). */
    public static List<Membership> recorded(PersistentState recovered, Membership bootstrap) {
        List<Membership> recorded = new ArrayList<>(List.of(bootstrap));
        Snapshot snapshot = recovered.snapshot();
        if (snapshot != null && snapshot.membership() != null) {
            recorded.add(snapshot.membership());
        }
        for (Entry e : recovered.entries()) {
            if (e.isConfig()) {
                recorded.add(e.membership());
            }
        }
        return recorded;
    }

    public MembershipView view() {
        return view;
    }

    Membership current() {
        return current;
    }

    /** The configuration in force now (after an append, a truncation or a snapshot); cheap when unchanged. */
    public void observe(Membership inForce) {
        // Called on every Ready: the log hands back the same object until the configuration changes,
        // so the reference check spares comparing the member maps each time.
        if (inForce == current || inForce.equals(current)) {
            return;
        }
        for (String id : current.members()) {
            if (!inForce.contains(id)) {
                departing.put(id, current.address(id));
            }
        }
        departing.keySet().removeAll(inForce.members());
        current = inForce;
        wasMember |= inForce.contains(selfId);
        publish();
    }

    /**
     * A configuration was applied: a committed entry ({@code entry}, counted) or a restored
     * snapshot's. Whoever is not in it has left for good (changes commit one at a time).
     */
    public void applied(Membership committed, boolean entry) {
        if (entry) {
            changesApplied++;
        }
        boolean forgot = departing.keySet().removeIf(id -> !committed.contains(id));
        if (forgot) {
            publish();
        } else if (entry) {
            view = new MembershipView(current, removed(), changesApplied);
        }
    }

    private boolean removed() {
        return wasMember && !current.contains(selfId);
    }

    private void publish() {
        Map<String, String> addresses = new TreeMap<>(departing);
        addresses.putAll(current.voters());
        addresses.putAll(current.learners());
        addresses.remove(selfId);
        directory.publish(addresses);
        addressesChanged.run();
        view = new MembershipView(current, removed(), changesApplied);
    }
}
