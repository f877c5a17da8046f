package dev.dsync.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The line between what decides and what touches the world (issue 11): outside the adapter classes
 * listed in {@code server/adapters.txt}, no production class reads the system clock, starts or
 * blocks threads, opens sockets or HTTP connections, touches files, or draws unseeded random
 * numbers. Those come in through small interfaces ({@code dev.dsync.node.NodeClock},
 * {@code dev.dsync.node.Timers}, ...), which the node binds to the real thing and the simulation
 * to its seeded world. A class that needs the world is either made to take it through an
 * interface or, if it is only plumbing, added to the list with its reason.
 */
class AdapterBoundaryTest {
    private static JavaClasses deciding;

    @BeforeAll
    static void importProductionClasses() throws IOException {
        Set<String> adapters = Adapters.load().keySet();
        // The server's own classes only (the history checker on the test class path is a tool, not the node).
        JavaClasses all = new ClassFileImporter().importPath(Path.of("target", "classes"));
        // Nested and anonymous classes belong to their top-level class's side of the line.
        deciding = all.that(DescribedPredicate.describe("outside the adapters",
                (JavaClass c) -> !adapters.contains(topLevel(c).getName())));
    }

    @Test
    void noSystemClock() {
        check(noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethodWhere(calledNamed("now", "java.time"))
                .orShould().callMethodWhere(calledNamed("systemUTC", "java.time.Clock"))
                .orShould().callMethodWhere(calledNamed("systemDefaultZone", "java.time.Clock"))
                .because("time comes in through NodeClock, so the simulation can run the code on its own clock"));
    }

    @Test
    void noThreadsOrRealTimeWaits() {
        check(noClasses().should().dependOnClassesThat().haveNameMatching(
                        "java\\.lang\\.Thread(\\$.*)?|java\\.util\\.Timer|java\\.util\\.concurrent\\.(Executor.*|ScheduledExecutorService"
                                + "|ExecutorService|ThreadPoolExecutor|ForkJoinPool|.*BlockingQueue|CountDownLatch|Semaphore)")
                .orShould().callMethodWhere(calledNamed("get", "java.util.concurrent.CompletableFuture"))
                .orShould().callMethodWhere(calledNamed("join", "java.util.concurrent.CompletableFuture"))
                .orShould().callMethodWhere(calledNamed("orTimeout", "java.util.concurrent.CompletableFuture"))
                .orShould().callMethodWhere(calledNamed("completeOnTimeout", "java.util.concurrent.CompletableFuture"))
                .orShould().callMethodWhere(calledNamedEnding("Async", "java.util.concurrent.CompletableFuture"))
                .because("timers and waiting come in through Timers and futures, so the simulation schedules them"));
    }

    @Test
    void noSockets() {
        check(noClasses().should().dependOnClassesThat().haveNameMatching(
                        "java\\.net\\.(Socket|ServerSocket|DatagramSocket|http\\..*|HttpURLConnection|URLConnection)"
                                + "|java\\.nio\\.channels\\.(Socket|ServerSocket)Channel|com\\.sun\\.net\\.httpserver\\..*")
                .because("other nodes are reached through LeaderCalls and the peer transport"));
    }

    @Test
    void noFiles() {
        check(noClasses().should().dependOnClassesThat().haveNameMatching(
                        "java\\.nio\\.file\\.Files|java\\.nio\\.channels\\.FileChannel|java\\.io\\.(File|FileInputStream|FileOutputStream"
                                + "|RandomAccessFile|FileReader|FileWriter)")
                .because("the disk is reached through the log store, which the simulation replaces with its own disks"));
    }

    @Test
    void noUnseededRandomness() {
        check(noClasses().should().callConstructorWhere(DescribedPredicate.describe("new Random()",
                        call -> call.getTarget().getOwner().isEquivalentTo(java.util.Random.class)
                                && call.getTarget().getRawParameterTypes().isEmpty()))
                .orShould().callMethod(Math.class, "random")
                .orShould().callMethodWhere(calledNamed("randomUUID", "java.util.UUID"))
                .orShould().dependOnClassesThat().haveNameMatching("java\\.util\\.concurrent\\.ThreadLocalRandom|java\\.security\\.SecureRandom")
                .because("randomness comes from a seeded source, so a simulation seed replays"));
    }

    private static void check(ArchRule rule) {
        rule.check(deciding);
    }

    private static DescribedPredicate<JavaAccess<?>> calledNamed(String method, String owner) {
        return DescribedPredicate.describe(owner + "." + method,
                access -> access.getTarget().getName().equals(method) && access.getTarget().getOwner().getName().startsWith(owner));
    }

    private static DescribedPredicate<JavaAccess<?>> calledNamedEnding(String suffix, String owner) {
        return DescribedPredicate.describe(owner + ".*" + suffix,
                access -> access.getTarget().getName().endsWith(suffix) && access.getTarget().getOwner().getName().equals(owner));
    }

    private static JavaClass topLevel(JavaClass c) {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        return top;
    }
}
