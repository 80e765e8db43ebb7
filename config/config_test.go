package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDefaults(t *testing.T) {
	cfg, err := Parse("/etc/tributary/config.toml", []byte(`
[[source]]
name = "go-blog"
url = "https://go.dev/blog/feed.atom"
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store.Path != "/etc/tributary/data/tributary.db" {
		t.Errorf("store path %q not resolved against the config's folder", cfg.Store.Path)
	}
	if cfg.Fetch.Timeout.Duration != 30*time.Second || cfg.Fetch.Concurrency != 8 || cfg.Feed.MaxItems != 50 ||
		cfg.Fetch.MaxItems != 1000 || cfg.Fetch.BackgroundCores != 1 {
		t.Errorf("defaults not applied: %+v %+v", cfg.Fetch, cfg.Feed)
	}
	if got := cfg.Sources[0].EffectiveSchedule(cfg.Fetch); got != "@every 30m" {
		t.Errorf("effective schedule = %q", got)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		toml string
		want []string // each a line of the error
	}{
		{"unknown key", "[fetch]\nconcurrancy = 2\n", []string{"f.toml:2: fetch.concurrancy: unknown key"}},
		{"unknown table", "[fetcher]\nschedule = \"@hourly\"\n", []string{"f.toml:1: fetcher: unknown key"}},
		{"bad schedule", "[fetch]\nschedule = \"every hour\"\n", []string{"f.toml:2: fetch.schedule: invalid schedule"}},
		{"cron tz panic", "[fetch]\nschedule = \"CRON_TZ=UTC\"\n", []string{"f.toml:2: fetch.schedule: invalid schedule"}},
		{"never fires", "[fetch]\nschedule = \"0 0 31 2 *\"\n", []string{"f.toml:2: fetch.schedule: schedule \"0 0 31 2 *\" never fires"}},
		{"bad duration", "[fetch]\ntimeout = \"30 seconds\"\n", []string{"f.toml:2"}},
		{"unknown store backend", "[store]\nbackend = \"sqlite\"\n", []string{`f.toml:2: store.backend: must be "bolt" or "postgres", got "sqlite"`}},
		{"postgres without dsn", "[store]\nbackend = \"postgres\"\n", []string{`f.toml:2: store.backend: "postgres" needs [store] dsn (or the environment variable TRIBUTARY_STORE_DSN)`}},
		{"dsn not a dsn", "[store]\nbackend = \"postgres\"\ndsn = \"localhost\"\n", []string{"f.toml:3: store.dsn: must be a postgres:// URL or key=value settings"}},
		{"dsn with bolt", "[store]\ndsn = \"postgres://h/db\"\n", []string{`f.toml:2: store.dsn: is only read with backend = "postgres"`}},
		{"enrichment pool and budget", "[fetch]\nenrich_concurrency = 0\nenrich_budget = \"0s\"\n", []string{
			"f.toml:2: fetch.enrich_concurrency: must be at least 1, got 0",
			"f.toml:3: fetch.enrich_budget: must be positive",
		}},
		{"gc percent", "[fetch]\ngc_percent = 0\n", []string{"f.toml:2: fetch.gc_percent: must be at least 1, got 0"}},
		{"source problems", `
[[source]]
name = "a"
url = "https://a.example/feed"

[[source]]
name = "a"
url = "ftp://b.example/feed"
schedule = "@sometimes"
`, []string{
			"f.toml:7: source[1].name: \"a\" is already the name of the source at line 3",
			"f.toml:8: source[1].url: \"ftp://b.example/feed\": only http and https URLs are fetched",
			"f.toml:9: source[1].schedule: invalid schedule",
		}},
		{"fetch limits", "[fetch]\nmax_items = 0\nbackground_cores = 0\n", []string{
			"f.toml:2: fetch.max_items: must be at least 1, got 0",
			"f.toml:3: fetch.background_cores: must be more than 0, got 0",
		}},
		{"missing url", "[[source]]\nname = \"x\"\n", []string{"f.toml:1: source[0].url: missing"}},
		{"credentials in a bad url", "[[source]]\nname = \"x\"\nurl = \"ftp://me:hunter2@x.example/f?token=s3cret\"\n",
			[]string{"f.toml:3: source[0].url: \"ftp://x.example/f?token=REDACTED\": only http and https URLs are fetched"}},
		{"bad name", "[[source]]\nname = \"Go Blog\"\nurl = \"https://x.example/\"\n", []string{"f.toml:2: source[0].name: \"Go Blog\""}},
		{"syntax", "[fetch\n", []string{"f.toml:1"}},
		{"full_text alone", "[[source]]\nname = \"x\"\nurl = \"https://x.example/\"\nfull_text = true\n", []string{"f.toml:4: source[0].full_text: full_text needs enrich = true"}},
		{"group of unknown source", "[[group]]\nname = \"g\"\nsources = [\"nope\"]\n", []string{"f.toml:3: group[0].sources: no source is named \"nope\""}},
		{"server limits", "[server]\nmax_connections = -1\nrender_cache_size = \"64KiB\"\n", []string{
			"f.toml:2: server.max_connections: must not be negative",
			"f.toml:3: server.render_cache_size: must be at least 1MiB",
		}},
		// Every wrongly typed key, each with its line and key (the decoder
		// alone reported the first, some at line 1 without a key).
		{"wrong types", `[server]
listen = 8080

[store]
max_per_source = "ten"

[fetch]
schedule = "@every 30m"
timeout = 30
max_body_size = true
allow_private = "no"

[feed]
max_items = 1.5

[[source]]
name = "a"
url = "https://a.example/"
tags = ["x", 3]

[[source]]
name = "b"
url = ["https://b.example/"]
max_age = "3 days"
`, []string{
			"f.toml:2: server.listen: must be a string, not the integer 8080",
			"f.toml:5: store.max_per_source: must be an integer, not the string \"ten\"",
			"f.toml:9: fetch.timeout: must be a duration string such as \"30s\", not the integer 30",
			"f.toml:10: fetch.max_body_size: must be a size",
			"f.toml:11: fetch.allow_private: must be true or false, not the string \"no\"",
			"f.toml:14: feed.max_items: must be an integer, not the number 1.5",
			"f.toml:19: source[0].tags: must be an array of strings: item 2 is the integer 3",
			"f.toml:23: source[1].url: must be a string, not an array",
			"f.toml:24: source[1].max_age: not a duration",
		}},
		{"table as a value", "fetch = 3\n", []string{"f.toml:1: fetch: must be a table, not the integer 3"}},
		{"source not a table", "source = \"x\"\n", []string{"f.toml:1: source: must be an array of tables ([[source]]), not the string \"x\""}},
		// Schedules that fire more often than [fetch] min_interval.
		{"every 0s", "[fetch]\nschedule = \"@every 0s\"\n", []string{"f.toml:2: fetch.schedule: schedule \"@every 0s\": the interval must be positive"}},
		{"every -5m", "[fetch]\nschedule = \"@every -5m\"\n", []string{"f.toml:2: fetch.schedule: schedule \"@every -5m\": the interval must be positive"}},
		{"every 1ns", "[fetch]\nschedule = \"@every 1ns\"\n", []string{"f.toml:2: fetch.schedule: schedule \"@every 1ns\" fires as often as every 1ns, more often than [fetch] min_interval (1m0s)"}},
		{"source every 30s", "[[source]]\nname = \"x\"\nurl = \"https://x.example/\"\nschedule = \"@every 30s\"\n", []string{"f.toml:4: source[0].schedule: schedule \"@every 30s\" fires as often as every 30s"}},
		{"cron under a raised floor", "[fetch]\nmin_interval = \"5m\"\nschedule = \"*/10 * * * *\"\n[[source]]\nname = \"x\"\nurl = \"https://x.example/\"\nschedule = \"0,3 * * * *\"\n", []string{"f.toml:7: source[0].schedule: schedule \"0,3 * * * *\" fires as often as every 3m0s, more often than [fetch] min_interval (5m0s)"}},
		{"cron closest across midnight", "[fetch]\nmin_interval = \"5m\"\nschedule = \"0,58 0,23 * * *\"\n", []string{"f.toml:3: fetch.schedule: schedule \"0,58 0,23 * * *\" fires as often as every 2m0s"}},
		{"min_interval zero", "[fetch]\nmin_interval = \"0s\"\n", []string{"f.toml:2: fetch.min_interval: must be positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantProblems(t, tt.toml, tt.want) })
	}
}

// wantProblems parses toml as f.toml and checks that its problems are want,
// each the start of a line of the error.
func wantProblems(t *testing.T, toml string, want []string) {
	t.Helper()
	_, err := Parse("f.toml", []byte(toml))
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("err = %v, want Problems", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, lines[i], w)
		}
	}
}

// TestScheduleFloor: schedules at the floor pass, and a test's config may
// lower it.
func TestScheduleFloor(t *testing.T) {
	for _, toml := range []string{
		"[fetch]\nschedule = \"* * * * *\"\n",
		"[fetch]\nschedule = \"@every 1m\"\n",
		"[fetch]\nschedule = \"@hourly\"\nmin_interval = \"1h\"\n",
		"[fetch]\nschedule = \"0 6,18 * * *\"\nmin_interval = \"12h\"\n",
		"[fetch]\nschedule = \"@every 1s\"\nmin_interval = \"1s\"\n",
	} {
		if _, err := Parse("f.toml", []byte(toml)); err != nil {
			t.Errorf("%s: %v", toml, err)
		}
	}
}

// TestAdaptiveScheduleAccepted: "adaptive" is a schedule wherever one is
// accepted, under any min_interval (its intervals are clamped to it), and
// parses as an AdaptiveSchedule.
func TestAdaptiveScheduleAccepted(t *testing.T) {
	for _, toml := range []string{
		"[fetch]\nschedule = \"adaptive\"\n",
		"[fetch]\nschedule = \"adaptive\"\nmin_interval = \"12h\"\n",
		"[fetch]\nmin_interval = \"2h\"\nschedule = \"@every 3h\"\n[[source]]\nname = \"x\"\nurl = \"https://x.example/\"\nschedule = \" Adaptive \"\n",
	} {
		if _, err := Parse("f.toml", []byte(toml)); err != nil {
			t.Errorf("%s: %v", toml, err)
		}
	}
	for _, spec := range []string{"adaptive", "ADAPTIVE", " adaptive "} {
		s, err := ParseSchedule(spec)
		if _, ok := s.(AdaptiveSchedule); !ok || err != nil {
			t.Errorf("ParseSchedule(%q) = %T, %v", spec, s, err)
			continue
		}
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if got := s.Next(now); got != now.Add(AdaptiveFallback) {
			t.Errorf("ParseSchedule(%q).Next = %v", spec, got)
		}
	}
	if _, err := Parse("f.toml", []byte("[fetch]\nschedule = \"adaptiv\"\n")); err == nil {
		t.Error("\"adaptiv\" accepted")
	}
}

func TestSize(t *testing.T) {
	for in, want := range map[string]Size{"8MiB": 8 << 20, "512KiB": 512 << 10, "10MB": 10_000_000, "100": 100, "1GiB": 1 << 30} {
		var s Size
		if err := s.UnmarshalText([]byte(in)); err != nil || s != want {
			t.Errorf("%q → %d, %v; want %d", in, s, err, want)
		}
	}
	var s Size
	if err := s.UnmarshalText([]byte("lots")); err == nil {
		t.Error("\"lots\" parsed as a size")
	}
}

func TestUnknownKeySuggestsTheNearest(t *testing.T) {
	for _, c := range []struct{ toml, want string }{
		{"[fetch]\nconcurrancy = 2\n", "f.toml:2: fetch.concurrancy: unknown key (did you mean concurrency?)"},
		{"[fetch]\nshcedule = \"@hourly\"\n", "f.toml:2: fetch.shcedule: unknown key (did you mean schedule?)"},
		{"[fetcher]\nschedule = \"@hourly\"\n", "f.toml:1: fetcher: unknown key (did you mean fetch?)"},
		{"[[source]]\nname = \"a\"\nurl = \"https://a.example/\"\nenrichh = true\n", "f.toml:4: source.enrichh: unknown key (did you mean enrich?)"},
		{"[[sources]]\nname = \"a\"\n", "f.toml:1: sources: unknown key (did you mean source?)"},
		{"[server]\nadmin_tokn = \"x\"\n", "admin_tokn: unknown key (did you mean admin_token?)"},
		{"[fetch]\nfrobnicate = 1\n", "f.toml:2: fetch.frobnicate: unknown key"},
	} {
		_, err := Parse("f.toml", []byte(c.toml))
		if err == nil {
			t.Errorf("%q: no error", c.toml)
			continue
		}
		got := err.Error()
		if !strings.Contains(got, c.want) {
			t.Errorf("%q:\n got %s\nwant %s", c.toml, got, c.want)
		}
		if strings.HasSuffix(c.want, "unknown key") && strings.Contains(got, "did you mean") {
			t.Errorf("%q: a far key got a suggestion: %s", c.toml, got)
		}
	}
}

// The environment's DSN (handed down by cmd) fills [store] dsn and wins over
// the file's; a bolt store ignores it.
func TestStoreDSNOverride(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.toml")
	os.WriteFile(path, []byte("[store]\nbackend = \"postgres\"\ndsn = \"postgres://file/db\"\n"), 0o600)
	cfg, err := LoadWith(path, Overrides{StoreDSN: "postgres://env/db"})
	if err != nil || cfg.Store.DSN != "postgres://env/db" {
		t.Fatalf("override: %+v %v", cfg.Store, err)
	}
	os.WriteFile(path, []byte("[store]\nbackend = \"postgres\"\n"), 0o600)
	if cfg, err = LoadWith(path, Overrides{StoreDSN: "postgres://env/db"}); err != nil || cfg.Store.DSN != "postgres://env/db" {
		t.Fatalf("dsn from the environment alone: %+v %v", cfg.Store, err)
	}
	os.WriteFile(path, []byte(""), 0o600)
	if cfg, err = LoadWith(path, Overrides{StoreDSN: "postgres://env/db"}); err != nil || cfg.Store.Backend != "bolt" {
		t.Fatalf("bolt with the variable set: %+v %v", cfg.Store, err)
	}
}
