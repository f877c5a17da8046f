# dsync — see README.md. Every target finds a JDK >= 21 by itself (.ci/find-jdk).
SHELL := /bin/bash
.DEFAULT_GOAL := help

JAVA_HOME := $(shell .ci/find-jdk)
ifeq ($(strip $(JAVA_HOME)),)
$(error no JDK >= 21 found; see the line above)
endif
export JAVA_HOME
JAVA := $(JAVA_HOME)/bin/java
JAVA_MAJOR := $(shell sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' $(JAVA_HOME)/release 2>/dev/null)
# Maven's bundled Guice uses sun.misc.Unsafe, which JDK 24+ warns about on every run.
ifeq ($(shell [ "$(JAVA_MAJOR)" -ge 24 ] 2>/dev/null && echo yes),yes)
export MAVEN_OPTS += --sun-misc-unsafe-memory-access=allow
endif
MVN := ./mvnw -q -B

SERVER_JAR := server/target/server.jar
CHECKER_JAR := history-checker/target/history-checker.jar

OPENAPI_HTML := docs/openapi.html

.PHONY: help build test docs sim sim-coverage up down scale status demo bench chaos chaos-open check bench-checker mutants clean \
        docker-images compose-up compose-down seed-demo

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

build: ## compile and package every module (no tests)
	$(MVN) package -DskipTests

$(SERVER_JAR) $(CHECKER_JAR):
	$(MVN) package -DskipTests

test: $(OPENAPI_HTML) ## unit tests, the deterministic simulation (2,000 seeds) and integration tests with real nodes
	$(MVN) verify

docs: $(OPENAPI_HTML) ## render docs/openapi.yaml to docs/openapi.html (needs node and npm; about 40 s the first time)

# Generated, not tracked: most of its 1.4 MB is Redoc's own script, inlined so the page needs no network.
$(OPENAPI_HTML): docs/openapi.yaml docs/render-openapi.sh
	docs/render-openapi.sh

sim: ## run the simulation: make sim SEEDS=10000, or replay one run: make sim SEED=42
	$(MVN) -pl server -am test -Dtest=SimulationTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dsim.seeds=$(SEEDS) -Dsim.seed=$(SEED)

sim-coverage: ## line coverage of server/src/main by the simulation alone (SEEDS=300 by default): HTML in server/target/sim-coverage/
	$(MVN) -pl server -am test -Psim-coverage -Dtest='SimulationTest#seeds' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dsim.seeds=$(or $(SEEDS),300)
	@scripts/sim-coverage-summary.sh
	@echo "report: $$(pwd)/server/target/sim-coverage/index.html"

up: $(SERVER_JAR) ## start the demo clusters on 127.0.0.1 (lock 8000-8002, queue 8100-8102, cache 8200-8202)
	@scripts/cluster.sh up

down: ## stop the demo clusters (graceful: leaders hand over first)
	@scripts/cluster.sh down

scale: ## grow or shrink a running demo cluster: make scale SERVICE=lock N=5 (new nodes join as learners, become voters; removed ones stop)
	@scripts/cluster.sh scale "$(SERVICE)" "$(N)"

status: ## show each demo node's /health
	@scripts/cluster.sh status

demo: ## run the curl demo against the clusters started by make up
	@scripts/demo.sh

BENCHES := lock queue cache idle coldstart cpu report
# coldstart needs wrk, cpu the shared load generators (../shared/bench): they run when asked for by name only.
DEFAULT_BENCHES := lock queue cache idle report
bench: ## benchmarks (BENCH="lock queue cache idle report"): failover, lock latency and throughput, queue throughput, cache hit ratio, throughput and miss-to-hit time, idle CPU of make up's nine nodes; BENCH=coldstart: a fresh cluster's speed 5 s by 5 s (needs wrk); BENCH=cpu: ms of CPU per lock cycle per node and generator, etcd beside (PROFILE=1: the leader's JFR hot spots); results in bench-results/; report: docs/performance.md and its graphs (ETCD=1 adds etcd side by side)
	@for b in $(or $(BENCH),$(DEFAULT_BENCHES)); do case " $(BENCHES) " in *" $$b "*) ;; \
	  *) echo "make bench: unknown BENCH value '$$b'; choose from: $(BENCHES)" >&2; exit 2;; esac; done
	@case "$(ETCD)" in ""|0|1) ;; *) echo "make bench: ETCD must be 1 (add the etcd comparison to the report) or 0, not '$(ETCD)'" >&2; exit 2;; esac
	$(MVN) -pl server -am package dependency:build-classpath -DskipTests \
	  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
	for b in $(or $(BENCH),$(DEFAULT_BENCHES)); do \
	  if [ $$b = idle ]; then JAVA_HOME=$(JAVA_HOME) scripts/idle-cpu.sh || exit 1; continue; fi; \
	  if [ $$b = coldstart ]; then JAVA=$(JAVA) scripts/cold-start.sh || exit 1; continue; fi; \
	  if [ $$b = cpu ]; then JAVA=$(JAVA) PROFILE=$(PROFILE) scripts/cpu-per-op.sh || exit 1; continue; fi; \
	  if [ $$b = report ]; then main=dev.dsync.bench.report.ReportMain; else main=dev.dsync.bench.$$(echo $$b | sed 's/.*/\u&/')Bench; fi; \
	  ETCD=$(ETCD) ETCD_TRIALS=$(ETCD_TRIALS) ETCD_SCRIPT=$(ETCD_SCRIPT) \
	  $(JAVA) -Djava.awt.headless=true -cp "server/target/test-classes:server/target/classes:$$(cat server/target/bench-classpath.txt)" \
	    -Dserver.jar=$(SERVER_JAR) $$main || exit 1; \
	done

chaos: ## the chaos matrix (every workload x partition, kill, pause, latency, clock, power, membership, mixed); one run: make chaos WORKLOAD=lock NEMESIS=partition DURATION=60 SEED=42
	$(MVN) -pl server,chaos-tests -am package dependency:build-classpath -DskipTests \
	  -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt
	WORKLOAD=$(WORKLOAD) NEMESIS=$(NEMESIS) DURATION=$(DURATION) SEED=$(SEED) CLIENTS=$(CLIENTS) FULL_API=$(FULL_API) CHAOS_PARALLEL=$(CHAOS_PARALLEL) \
	  TESTCONTAINERS_RYUK_DISABLED=$${TESTCONTAINERS_RYUK_DISABLED:-true} TESTCONTAINERS_CHECKS_DISABLE=$${TESTCONTAINERS_CHECKS_DISABLE:-true} \
	  TESTCONTAINERS_HOST_OVERRIDE=$${TESTCONTAINERS_HOST_OVERRIDE:-localhost} \
	  $(JAVA) --enable-native-access=ALL-UNNAMED -cp "chaos-tests/target/classes:$$(cat chaos-tests/target/classpath.txt)" dev.dsync.chaos.run.ChaosMain

check: ## judge a history: make check MODEL=kv HISTORY=h.jsonl [REPORT=out]
	@[ -f $(CHECKER_JAR) ] || $(MVN) -pl history-checker package -DskipTests
	$(JAVA) -jar $(CHECKER_JAR) check --model $(MODEL) --history $(HISTORY) --report $(or $(REPORT),out)

bench-checker: ## checker benchmark: 100k-op kv and 1k-op cas-register histories, medians of 7 runs
	$(MVN) -pl history-checker package -DskipTests
	$(JAVA) -Xmx1g -jar $(CHECKER_JAR) bench 7 2

mutants: ## the bench's own test: broken servers (scripts/mutants/*.patch) through sim, chaos and tests; ONLY=<id> runs one; not in CI (about an hour)
	@ONLY=$(ONLY) STAGES=$(STAGES) SIM_SEEDS=$(SIM_SEEDS) SEED=$(SEED) scripts/mutants.sh

chaos-open: ## print the path of the newest chaos results index
	@if [ -f chaos-results/index.html ]; then echo "$$(pwd)/chaos-results/index.html"; \
	  else echo "no chaos results yet: run make chaos" >&2; exit 1; fi

# --- Docker (docs/deployment.md). Base images default to the local ones make docker-images builds; set
# BUILD_IMAGE / RUNTIME_IMAGE (e.g. to docker/.env's public ones) to build from a registry instead.
DOCKER_COMPOSE := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
DOCKER_BASES := BUILD_IMAGE=$${BUILD_IMAGE:-dsync-base-jdk:local} RUNTIME_IMAGE=$${RUNTIME_IMAGE:-dsync-base-jre:local}

docker-images: ## without a registry: Debian + JDK base images (mmdebstrap), then the node and Toxiproxy images
	docker/base-images.sh
	$(DOCKER_BASES) && docker build -q -f docker/Dockerfile --build-arg BUILD_IMAGE=$$BUILD_IMAGE \
	  --build-arg RUNTIME_IMAGE=$$RUNTIME_IMAGE --target toxiproxy -t dsync-toxiproxy:latest .
	$(DOCKER_BASES) && docker build -q -f docker/Dockerfile --build-arg BUILD_IMAGE=$$BUILD_IMAGE \
	  --build-arg RUNTIME_IMAGE=$$RUNTIME_IMAGE --target node -t dsync-node:latest .

compose-up: ## docker compose up --build (detached) with the local base images; same ports as make up
	$(DOCKER_BASES) $(DOCKER_COMPOSE) -f docker/docker-compose.yml up -d --build

compose-down: ## docker compose down (add V=1 to wipe the data volumes too)
	$(DOCKER_COMPOSE) -f docker/docker-compose.yml down $(if $(V),-v)

seed-demo: ## the seed's demo, every answer checked, against make up or compose-up
	@scripts/seed-demo.sh

clean: ## remove build output and demo data
	$(MVN) clean
	rm -rf .run
