# Sourced by .ci/run: a throwaway PostgreSQL cluster for the tests that need
# one (store/postgres, cmd/tributary's PostgreSQL end-to-end test). It
# installs Debian's postgresql when missing, starts a cluster in a temporary
# folder (fsync off: nothing in it outlives the run) listening on a free
# loopback port (and a Unix socket in that folder), creates the database "tributary_test", exports
# TRIBUTARY_TEST_POSTGRES_DSN and TRIBUTARY_REQUIRE_POSTGRES=1, and stops the
# cluster and removes the folder when the shell exits.
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
	for try in 1 2 3; do
		if apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; then
			break
		fi
		echo "apt-get failed (try $try); retrying" >&2
		sleep $((try * 10))
	done
	[ -x "$(pg_bindir)/initdb" ] || { echo "could not install postgresql" >&2; exit 1; }
fi
PG_BIN=$(pg_bindir)
PG_DIR=$(mktemp -d /tmp/tributary-pg.XXXXXX)
chown postgres "$PG_DIR"
pg_stop() {
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
}
trap pg_stop EXIT
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust >/dev/null
# A free loopback port: the kernel picks one, and the cluster takes it at once.
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
	-o "-F -p $PG_PORT -c listen_addresses='127.0.0.1' -c unix_socket_directories='$PG_DIR' -c max_connections=200" start >/dev/null ||
	{ cat "$PG_DIR/log" >&2; exit 1; }
runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres tributary_test
export TRIBUTARY_TEST_POSTGRES_DSN="postgres://postgres@127.0.0.1:$PG_PORT/tributary_test?sslmode=disable"
export TRIBUTARY_REQUIRE_POSTGRES=1
