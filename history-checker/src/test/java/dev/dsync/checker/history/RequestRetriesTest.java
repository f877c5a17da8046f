package dev.dsync.checker.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dsync.checker.Checker;
import dev.dsync.checker.Checks;
import dev.dsync.checker.Verdict;
import org.junit.jupiter.api.Test;

/** Attempts of one request (same client_id + request_id) are one operation. */
class RequestRetriesTest {
    /**
     * p0 writes 1. p1's cas 1->2 times out; p2 then writes 3; p1's retry (as p3, same request id)
     * is answered from the server's session table with the first attempt's ok. As two operations the
     * retry would be a second cas 1->2 after the write of 3: impossible. As one request it took effect
     * before the write of 3, so the final read of 3 is fine.
     */
    private static final String RETRIED_CAS = """
            {"time":0,"process":0,"type":"invoke","f":"write","key":"k","value":1}
            {"time":1,"process":0,"type":"ok","f":"write","key":"k","value":1}
            {"time":2,"process":1,"type":"invoke","f":"cas","key":"k","value":[1,2],"client_id":"a","request_id":"r1"}
            {"time":5,"process":1,"type":"info","f":"cas","key":"k","value":[1,2],"error":"timeout"}
            {"time":6,"process":2,"type":"invoke","f":"write","key":"k","value":3}
            {"time":7,"process":2,"type":"ok","f":"write","key":"k","value":3}
            {"time":8,"process":3,"type":"invoke","f":"cas","key":"k","value":[1,2],"client_id":"a","request_id":"r1","retry":1}
            {"time":9,"process":3,"type":"ok","f":"cas","key":"k","value":[1,2]}
            {"time":10,"process":2,"type":"invoke","f":"read","key":"k"}
            {"time":11,"process":2,"type":"ok","f":"read","key":"k","value":3}
            """;

    @Test
    void aRetriedRequestIsOneOperation() {
        History h = HistoryReader.parse(RETRIED_CAS, HistoryReader.Format.AUTO);
        assertEquals(5, h.operations().size());
        assertEquals(4, RequestRetries.fold(h.operations()).size());
        Operation folded = RequestRetries.fold(h.operations()).get(1);
        assertEquals(Outcome.OK, folded.outcome());
        assertEquals(2, folded.invokeTime());
        assertEquals(9, folded.completeTime());
        assertEquals(Verdict.VALID, Checker.check("kv", h, Checks.options()).verdict());
    }

    @Test
    void withoutIdsTheRetryIsASecondOperation() {
        String anonymous = RETRIED_CAS.replace(",\"client_id\":\"a\",\"request_id\":\"r1\"", "");
        History h = HistoryReader.parse(anonymous, HistoryReader.Format.AUTO);
        assertEquals(5, RequestRetries.fold(h.operations()).size());
        assertEquals(Verdict.INVALID, Checker.check("kv", h, Checks.options()).verdict());
    }
}
