package dev.dsync.raft;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A cluster configuration: the voters and the learners, each with the address its peers reach it
 * at (opaque to Raft: the shell's business). A learner receives the log but never votes and never
 * counts toward a commit, a read confirmation or a quorum check.
 *
 * <p>Configurations live in the log as {@link Entry.Kind#CONFIG} entries, each carrying the whole
 * new configuration, and in snapshots. A node uses the latest one in its log, committed or not
 * (Raft dissertation §4.1); successive ones differ by one server (see {@link #singleChangeFrom}).
 * Maps are kept sorted by id, so equal configurations encode to equal bytes.
 */
public record Membership(Map<String, String> voters, Map<String, String> learners) {
    public static final Membership EMPTY = new Membership(Map.of(), Map.of());

    public Membership {
        voters = Collections.unmodifiableMap(new TreeMap<>(voters));
        learners = Collections.unmodifiableMap(new TreeMap<>(learners));
        for (String id : learners.keySet()) {
            if (voters.containsKey(id)) {
                throw new IllegalArgumentException(id + " is both a voter and a learner");
            }
        }
    }

    /** Every id a voter, with no addresses: the bootstrap configuration of a fixed member list. */
    public static Membership ofVoters(Iterable<String> ids) {
        Map<String, String> voters = new LinkedHashMap<>();
        ids.forEach(id -> voters.put(id, ""));
        return new Membership(voters, Map.of());
    }

    public boolean isVoter(String id) {
        return voters.containsKey(id);
    }

    public boolean isLearner(String id) {
        return learners.containsKey(id);
    }

    public boolean contains(String id) {
        return isVoter(id) || isLearner(id);
    }

    /** Voters and learners. */
    public Set<String> members() {
        Map<String, String> all = new TreeMap<>(voters);
        all.putAll(learners);
        return all.keySet();
    }

    /** The address of a member, or null. */
    public String address(String id) {
        return voters.containsKey(id) ? voters.get(id) : learners.get(id);
    }

    /** Votes (or acknowledgements) needed: a majority of the voters. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    public Membership withLearner(String id, String address) {
        if (contains(id)) {
            throw new IllegalArgumentException(id + " is already a member");
        }
        Map<String, String> next = new TreeMap<>(learners);
        next.put(id, address);
        return new Membership(voters, next);
    }

    public Membership promoted(String id) {
        if (!isLearner(id)) {
            throw new IllegalArgumentException(id + " is not a learner");
        }
        Map<String, String> nextLearners = new TreeMap<>(learners);
        Map<String, String> nextVoters = new TreeMap<>(voters);
        nextVoters.put(id, nextLearners.remove(id));
        return new Membership(nextVoters, nextLearners);
    }

    public Membership without(String id) {
        if (!contains(id)) {
            throw new IllegalArgumentException(id + " is not a member");
        }
        Map<String, String> nextVoters = new TreeMap<>(voters);
        Map<String, String> nextLearners = new TreeMap<>(learners);
        nextVoters.remove(id);
        nextLearners.remove(id);
        return new Membership(nextVoters, nextLearners);
    }

    /**
     * Whether {@code this} follows {@code previous} by one single-server step: one learner added,
     * one learner promoted, or one member removed (dissertation §4.1: any two majorities of
     * configurations one voter apart overlap, so no step needs joint consensus). Addresses of the
     * others are unchanged.
     */
    public boolean singleChangeFrom(Membership previous) {
        int steps = 0;
        for (String id : previous.members()) {
            if (!contains(id)) {
                steps++; // removed
            } else if (!address(id).equals(previous.address(id))) {
                return false;
            } else if (previous.isLearner(id) && isVoter(id)) {
                steps++; // promoted
            } else if (previous.isVoter(id) && isLearner(id)) {
                return false; // demotion is not a step we take
            }
        }
        for (String id : members()) {
            if (!previous.contains(id)) {
                if (!isLearner(id)) {
                    return false; // new servers join as learners
                }
                steps++;
            }
        }
        return steps == 1;
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(voters.size() + learners.size());
            for (Map.Entry<String, String> e : voters.entrySet()) {
                out.writeBoolean(true);
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            for (Map.Entry<String, String> e : learners.entrySet()) {
                out.writeBoolean(false);
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Membership decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            int n = in.readInt();
            if (n < 0 || n > 10_000) {
                throw new IllegalArgumentException("not a membership: " + n + " members");
            }
            Map<String, String> voters = new TreeMap<>();
            Map<String, String> learners = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                boolean voter = in.readBoolean();
                String id = in.readUTF();
                String address = in.readUTF();
                (voter ? voters : learners).put(id, address);
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after a membership");
            }
            return new Membership(voters, learners);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a membership: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "voters " + voters.keySet() + (learners.isEmpty() ? "" : ", learners " + learners.keySet());
    }
}
