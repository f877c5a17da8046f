package dev.dsync.chaos.nemesis;

import java.util.Map;

/** Where the nemesis records what it did, as history events of process "nemesis". */
@FunctionalInterface
public interface NemesisLog {
    void record(String f, Map<String, Object> value);
}
