package dev.dsync.checker.linear;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The call and return entries of a key's operations as a doubly linked list in history order
 * (the structure of Wing &amp; Gong / Lowe). Entry {@code 2i} is the call of operation i and
 * {@code 2i+1} its return; optional operations return at +infinity, i.e. after every real entry.
 *
 * <p>Lifting an operation unlinks both its entries while keeping their own links, so that
 * unlifting in reverse (LIFO) order restores the list exactly ("dancing links").
 */
final class EntryList {
    static final int END = -1;
    final int head;
    final int[] next;
    final int[] prev;

    EntryList(KeyProblem p) {
        int n = p.size();
        head = 2 * n;
        next = new int[2 * n + 1];
        prev = new int[2 * n + 1];
        Integer[] order = new Integer[2 * n];
        for (int e = 0; e < 2 * n; e++) {
            order[e] = e;
        }
        // Ties only occur between a promoted return and its observer's return; any fixed order is sound.
        Arrays.sort(order, Comparator.comparingLong((Integer e) -> position(p, e)).thenComparingInt(e -> e));
        int last = head;
        for (int e : order) {
            next[last] = e;
            prev[e] = last;
            last = e;
        }
        next[last] = END;
    }

    private static long position(KeyProblem p, int e) {
        int op = e >> 1;
        return (e & 1) == 0 ? p.callPos()[op] : p.returnPos()[op];
    }

    int first() {
        return next[head];
    }

    void lift(int op) {
        unlink(2 * op);
        unlink(2 * op + 1);
    }

    void unlift(int op) {
        relink(2 * op + 1);
        relink(2 * op);
    }

    private void unlink(int e) {
        next[prev[e]] = next[e];
        if (next[e] != END) {
            prev[next[e]] = prev[e];
        }
    }

    private void relink(int e) {
        next[prev[e]] = e;
        if (next[e] != END) {
            prev[next[e]] = e;
        }
    }
}
