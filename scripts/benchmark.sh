#!/usr/bin/env bash
# Runs the benchmarks: every scenario on our engine, the two floors, JobRunr, DBOS and db-scheduler, each run in a JVM of
# its own, in rounds that alternate the systems (three; one with --quick).
# Uses the servers given in the environment (SPRING_DATASOURCE_URL, SPRING_RABBITMQ_HOST...); without them it starts
# local PostgreSQL and RabbitMQ with scripts/servers.sh and stops them at the end.
# Options (all --name=value): --quick (a smoke run of minutes), --systems=ours,floor,floor-db,jobrunr,dbos,db-scheduler,
# --scenarios=a,b,c,d,e,f, --loads=full,rate,sustained, --rounds, --scale, --warmup, --submitters, --rate, --rate-seconds,
# --sustain-seconds, --in-flight, --timeout, --jvm, --out.
# Results: benchmarks/target/benchmark/results.md and results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${SPRING_DATASOURCE_URL:-}" ]]; then
	scripts/servers.sh start
	if [[ -z "${WORKFLOW_KEEP_SERVERS:-}" ]]; then
		trap 'scripts/servers.sh stop' EXIT
	fi
	eval "$(scripts/servers.sh env)"
fi

mvn -q -pl benchmarks -am package -DskipTests
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
	dev.workflow.benchmarks.harness.BenchmarkMain "$@"
