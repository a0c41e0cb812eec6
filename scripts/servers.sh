#!/usr/bin/env bash
# Throwaway PostgreSQL and RabbitMQ on loopback, for tests and local runs.
#
#   scripts/servers.sh start            install what is missing (Debian packages), start both, print the environment
#   scripts/servers.sh env              print the environment for them (eval "$(scripts/servers.sh env)")
#   scripts/servers.sh stop             stop both and remove their data
#   scripts/servers.sh restart-postgres stop and start PostgreSQL, keeping its data
#   scripts/servers.sh restart-rabbitmq stop and start RabbitMQ, keeping its data
#   scripts/servers.sh status           say what runs
#   scripts/servers.sh queues           list RabbitMQ's queues with their type and messages
#
# Settings (environment): WORKFLOW_SERVERS_DIR (default /tmp/workflow-servers), WORKFLOW_PG_PORT (5432),
# WORKFLOW_RABBITMQ_PORT (5672). Runs as root (it switches to the postgres and rabbitmq users) or as a user
# who owns the directory and has the server binaries.
set -euo pipefail

DIR=${WORKFLOW_SERVERS_DIR:-/tmp/workflow-servers}
PG_PORT=${WORKFLOW_PG_PORT:-5432}
RABBIT_PORT=${WORKFLOW_RABBITMQ_PORT:-5672}
PG_DATA=$DIR/postgres
RABBIT_BASE=$DIR/rabbitmq
DB_NAME=workflow
DB_USER=workflow
DB_PASSWORD=workflow

log() { echo "servers.sh: $*" >&2; }

as_user() { # as_user USER CMD...: run as USER when we are root, else as ourselves
	local user=$1; shift
	if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- env "$@"; else env "$@"; fi
}

pg_bin() {
	local found
	found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$found" ] && echo "$found" || dirname "$(command -v pg_ctl)"
}

install_packages() {
	local missing=()
	[ -n "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null)" ] || command -v pg_ctl >/dev/null || missing+=(postgresql)
	command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	# Keep package scripts from starting the services: we start our own instances.
	if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

rabbit_env() {
	echo RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBIT_PORT" \
		RABBITMQ_DIST_PORT=$((RABBIT_PORT + 20000)) RABBITMQ_BASE="$RABBIT_BASE" \
		RABBITMQ_MNESIA_BASE="$RABBIT_BASE/mnesia" RABBITMQ_LOG_BASE="$RABBIT_BASE/log" \
		RABBITMQ_CONFIG_FILE="$RABBIT_BASE/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_BASE/enabled_plugins"
}

rabbitmqctl_() { as_user rabbitmq $(rabbit_env) rabbitmqctl "$@"; }

start_postgres() {
	local bin; bin=$(pg_bin)
	if [ -s "$PG_DATA/postmaster.pid" ] && as_user postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
		log "PostgreSQL already runs on 127.0.0.1:$PG_PORT"
		return 0
	fi
	mkdir -p "$DIR"
	if [ ! -s "$PG_DATA/PG_VERSION" ]; then
		mkdir -p "$PG_DATA"
		[ "$(id -u)" = 0 ] && chown postgres: "$PG_DATA"
		as_user postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	fi
	as_user postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
		-o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB" >/dev/null
	if ! as_user postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_roles where rolname='$DB_USER'" | grep -q 1; then
		as_user postgres psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "create role $DB_USER login createdb password '$DB_PASSWORD'"
		as_user postgres psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "create database $DB_NAME owner $DB_USER"
	fi
	log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
	[ -s "$PG_DATA/postmaster.pid" ] || return 0
	as_user postgres "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null || true
}

start_rabbitmq() {
	if [ -d "$RABBIT_BASE/mnesia" ] && rabbitmqctl_ -q await_startup --timeout 2 >/dev/null 2>&1; then
		log "RabbitMQ already runs on 127.0.0.1:$RABBIT_PORT"
		return 0
	fi
	mkdir -p "$RABBIT_BASE/mnesia" "$RABBIT_BASE/log"
	# The largest message RabbitMQ 4 takes by default (3.x takes 128 MiB), so that tests see what a current broker refuses.
	grep -qs '^max_message_size' "$RABBIT_BASE/rabbitmq.conf" || echo 'max_message_size = 16777216' >> "$RABBIT_BASE/rabbitmq.conf"
	[ -e "$RABBIT_BASE/enabled_plugins" ] || echo '[].' > "$RABBIT_BASE/enabled_plugins"
	[ "$(id -u)" = 0 ] && chown -R rabbitmq: "$RABBIT_BASE"
	as_user rabbitmq $(rabbit_env) rabbitmq-server -detached
	local deadline=$((SECONDS + 90))
	until rabbitmqctl_ -q await_startup --timeout 60 >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || { log "RabbitMQ did not start; see $RABBIT_BASE/log"; return 1; }
		sleep 1
	done
	log "RabbitMQ ready on 127.0.0.1:$RABBIT_PORT"
}

stop_rabbitmq() {
	rabbitmqctl_ -q shutdown >/dev/null 2>&1 || true
}

print_env() {
	local self
	self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/servers.sh
	cat <<ENV
export SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME
export SPRING_DATASOURCE_USERNAME=$DB_USER
export SPRING_DATASOURCE_PASSWORD=$DB_PASSWORD
export SPRING_RABBITMQ_HOST=127.0.0.1
export SPRING_RABBITMQ_PORT=$RABBIT_PORT
export SPRING_RABBITMQ_USERNAME=guest
export SPRING_RABBITMQ_PASSWORD=guest
export WORKFLOW_SERVERS_SCRIPT=$self
export WORKFLOW_SERVERS_DIR=$DIR
ENV
}

case "${1:-}" in
	start)
		install_packages
		start_postgres
		start_rabbitmq
		print_env
		;;
	env) print_env ;;
	stop)
		stop_rabbitmq
		stop_postgres
		as_user rabbitmq epmd -kill >/dev/null 2>&1 || true
		rm -rf "$DIR"
		log "stopped"
		;;
	restart-postgres) stop_postgres; start_postgres ;;
	restart-rabbitmq) stop_rabbitmq; start_rabbitmq ;;
	queues) rabbitmqctl_ -q list_queues name type messages ;;
	status)
		as_user postgres "$(pg_bin)/pg_ctl" -D "$PG_DATA" status || true
		rabbitmqctl_ -q status >/dev/null 2>&1 && echo "RabbitMQ running" || echo "RabbitMQ not running"
		;;
	*) sed -n '2,13p' "$0"; exit 2 ;;
esac
