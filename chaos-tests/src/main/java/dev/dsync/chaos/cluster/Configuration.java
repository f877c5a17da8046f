package dev.dsync.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster's configuration as {@code GET /cluster/members} reports it: who leads (null when the
 * answering node knows no leader) and every member with its role, "voter" or "learner", and its
 * match index, which only a leader knows (a follower passes the question to its leader, and answers
 * from its own view, without match indexes, only when it cannot).
 */
public record Configuration(String leader, List<Member> members) {

    public record Member(String id, String url, String role, Long matchIndex) {
        public boolean voter() {
            return "voter".equals(role);
        }
    }

    public Configuration {
        members = List.copyOf(members);
    }

    /** Reads an answer of {@code GET /cluster/members}; null if it is not one. */
    public static Configuration parse(JsonNode body) {
        if (body == null || !body.path("members").isArray()) {
            return null;
        }
        List<Member> members = new ArrayList<>();
        for (JsonNode m : body.get("members")) {
            if (!m.path("id").isTextual() || !m.path("role").isTextual()) {
                return null;
            }
            JsonNode match = m.path("match_index");
            members.add(new Member(m.get("id").asText(), m.path("url").asText(""), m.get("role").asText(),
                    match.canConvertToLong() && !match.isNull() ? match.asLong() : null));
        }
        JsonNode leader = body.path("leader");
        return new Configuration(leader.isTextual() ? leader.asText() : null, members);
    }

    /**
     * Whether a leader answered: a follower's own view may be stale (it may not know yet that a
     * change committed, or that it was removed itself), so the nemesis waits for a leader's.
     */
    public boolean fromLeader() {
        return leader != null && members.stream().anyMatch(m -> m.matchIndex() != null);
    }

    /** Every member, voters and learners, in the order reported. */
    public List<String> ids() {
        return members.stream().map(Member::id).toList();
    }

    public List<String> voters() {
        return members.stream().filter(Member::voter).map(Member::id).toList();
    }

    public List<String> learners() {
        return members.stream().filter(m -> !m.voter()).map(Member::id).toList();
    }

    public boolean contains(String id) {
        return ids().contains(id);
    }

    public boolean isVoter(String id) {
        return voters().contains(id);
    }

    /** For the history: {@code {"leader":..,"voters":[..],"learners":[..]}}. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("leader", leader);
        out.put("voters", voters());
        out.put("learners", learners());
        return out;
    }
}
