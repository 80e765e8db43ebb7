package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tributary-feeds/tributary/internal/testenv"
)

// The daemon on PostgreSQL ([store] backend = "postgres", the DSN from
// TRIBUTARY_STORE_DSN): it fetches loopback feeds into the database and
// serves them; a second daemon on the same database serves the same feed;
// backup and compact say what to use instead; no bbolt file is made.
func TestRunOnPostgres(t *testing.T) {
	dsn := testenv.Postgres(t)
	srv := newFeedServer(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	const maxItems = 8
	config := func(dir, addr string) string {
		return writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q

[store]
backend = "postgres"

[fetch]
schedule = "@every 1s"
min_interval = "1s" # the floor, lowered for the test
timeout = "5s"

[feed]
title = "E2E"
max_items = %d

[[source]]
name = "river"
url = "%s/rss2.xml"

[[source]]
name = "delta"
url = "%s/atom.xml"

[[source]]
name = "estuary"
url = "%s/feed.json"
`, addr, maxItems, srv.URL, srv.URL, srv.URL))
	}
	cfgPath := config(dir, addr)
	env := append(os.Environ(), "TRIBUTARY_STORE_DSN="+dsn)
	run := func(cfgPath, addr string) *daemon {
		cmd := exec.Command(binary, "run", "--config", cfgPath)
		cmd.Env = env
		return startDaemonCmd(t, cmd, addr)
	}

	d := run(cfgPath, addr)
	waitFor(t, "a first fetch of every source", func() bool {
		_, titles := published(t, addr, "atom")
		return len(titles) == maxItems
	}, d.stderr)
	ids, titles := published(t, addr, "atom")
	if !equal(titles, wantTitles[:maxItems]) {
		t.Errorf("/feed.atom titles:\n got %q\nwant %q", titles, wantTitles[:maxItems])
	}
	assertUnique(t, "atom", ids)

	// A second daemon on the same database serves what the first stored.
	addr2 := freeAddr(t)
	d2 := run(config(t.TempDir(), addr2), addr2)
	waitFor(t, "the second daemon serving the same feed", func() bool {
		got, _ := published(t, addr2, "atom")
		return equal(got, ids)
	}, d2.stderr)

	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("a PostgreSQL daemon made a bbolt folder: %v", err)
	}
	for _, tc := range []struct{ cmd, want string }{
		{"backup", "pg_dump"},
		{"compact", "VACUUM"},
	} {
		args := []string{tc.cmd, "--config", cfgPath}
		if tc.cmd == "backup" {
			args = append(args, filepath.Join(dir, "b.db"))
		}
		cmd := exec.Command(binary, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), tc.want) {
			t.Errorf("tributary %s on PostgreSQL: %v\n%s\nwant a message naming %s", tc.cmd, err, out, tc.want)
		}
	}
}
