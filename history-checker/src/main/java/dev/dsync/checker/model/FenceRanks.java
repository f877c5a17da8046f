package dev.dsync.checker.model;

import dev.dsync.checker.history.HistoryFormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The fences granted on one key, numbered 1.. in ascending order so a model state can hold a fence
 * in few bits; rank 0 means "no fence yet". Shared by the untimed and the timed rw-lock models.
 */
record FenceRanks(Map<Long, Integer> rankOf, List<Long> fenceByRank) {
    static FenceRanks of(SortedSet<Long> fences) {
        if (fences.size() > RwLockModel.MAX_FENCES) {
            throw new HistoryFormatException(0, "rw-lock supports at most " + RwLockModel.MAX_FENCES + " fences per key");
        }
        Map<Long, Integer> rankOf = new HashMap<>();
        List<Long> fenceByRank = new ArrayList<>();
        fenceByRank.add(null);
        for (long f : fences) {
            rankOf.put(f, fenceByRank.size());
            fenceByRank.add(f);
        }
        return new FenceRanks(rankOf, fenceByRank);
    }
}
