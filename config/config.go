// Package config loads, defaults and validates Tributary's TOML configuration.
//
// Values are handed down to the other packages as plain structs; nothing here
// reads the environment. Every problem found is reported with the file, the
// line and the key it concerns.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// DefaultFile is the configuration `tributary` reads when no --config is given.
const DefaultFile = "config.toml"

// Config is a whole configuration file, defaults applied.
type Config struct {
	// File is the absolute path the configuration was loaded from.
	File string `toml:"-"`

	Server  Server   `toml:"server"`
	Store   Store    `toml:"store"`
	Fetch   Fetch    `toml:"fetch"`
	Feed    Feed     `toml:"feed"`
	Sources []Source `toml:"source"`
	Groups  []Group  `toml:"group"`
	Rules   []Rule   `toml:"rule"`
}

// Server is the [server] table: where the publisher listens.
type Server struct {
	Listen     string `toml:"listen"`
	BaseURL    string `toml:"base_url"`
	AdminToken string `toml:"admin_token"`
	// MaxConnections caps open client connections; 0 picks a default that
	// keeps file descriptors in reserve for fetching (see cmd/tributary).
	MaxConnections int `toml:"max_connections"`
	// RenderCacheSize bounds the publisher's cache of rendered responses.
	RenderCacheSize Size `toml:"render_cache_size"`
}

// Store is the [store] table: where articles live and for how long.
type Store struct {
	// Backend is "bolt" (one embedded file at Path, the default) or
	// "postgres" (a database at DSN, which several daemons can share).
	Backend string `toml:"backend"`
	// DSN is the PostgreSQL database's address (postgres://user@host/db),
	// from the file or, taking precedence, the TRIBUTARY_STORE_DSN
	// environment variable that cmd hands down in Overrides.
	DSN          string   `toml:"dsn"`
	Path         string   `toml:"path"`
	MaxAge       Duration `toml:"max_age"`
	MaxPerSource int      `toml:"max_per_source"`
	OrphanGrace  Duration `toml:"orphan_grace"`
}

// Fetch is the [fetch] table: how and when sources are fetched.
type Fetch struct {
	Schedule     string   `toml:"schedule"`
	Concurrency  int      `toml:"concurrency"`
	PerHost      int      `toml:"per_host"`
	Timeout      Duration `toml:"timeout"`
	MaxBodySize  Size     `toml:"max_body_size"`
	Jitter       Duration `toml:"jitter"`
	MinInterval  Duration `toml:"min_interval"`
	MaxInterval  Duration `toml:"max_interval"`
	MaxBackoff   Duration `toml:"max_backoff"`
	UserAgent    string   `toml:"user_agent"`
	AllowPrivate bool     `toml:"allow_private"`
	// EnrichConcurrency bounds article pages and comment feeds in flight
	// at once, in all: enrichment's own pool, apart from Concurrency.
	EnrichConcurrency int `toml:"enrich_concurrency"`
	// EnrichBudget is how long one fetch's enrichment may take; articles
	// left then are stored without it and enriched on a later fetch.
	EnrichBudget Duration `toml:"enrich_budget"`
	// MaxItems is how many items of one feed are kept from each fetch, the
	// newest: a feed listing more is cut.
	MaxItems int `toml:"max_items"`
	// BackgroundCores is how many cores' worth of time scheduled fetching
	// keeps while readers wait for the CPU (see fetcher/readers.go).
	BackgroundCores float64 `toml:"background_cores"`
	// GCPercent is the garbage collector's target (GOGC) that `tributary
	// fetch` runs with: a one-shot pass allocates much and keeps little,
	// so collecting less often is faster for a little more memory. The
	// GOGC environment variable, when set, wins.
	GCPercent int `toml:"gc_percent"`
}

// Feed is the [feed] table: what Tributary publishes.
type Feed struct {
	Title       string `toml:"title"`
	Description string `toml:"description"`
	MaxItems    int    `toml:"max_items"`
	Icon        string `toml:"icon"`
	Annotate    bool   `toml:"annotate"`
	WebSubHub   string `toml:"websub_hub"`
	// ShowStatus shows the HTML page's strip of failing sources to every
	// reader, not only to the operator.
	ShowStatus bool `toml:"show_status"`
	// WordsPerMinute and CJKCharactersPerMinute are the reading speeds read
	// times are counted at.
	WordsPerMinute         int `toml:"words_per_minute"`
	CJKCharactersPerMinute int `toml:"cjk_characters_per_minute"`
}

// Source is one [[source]] table: a feed to aggregate.
type Source struct {
	Name          string   `toml:"name"`
	URL           string   `toml:"url"`
	Schedule      string   `toml:"schedule"`
	Tags          []string `toml:"tags"`
	UserAgent     string   `toml:"user_agent"`
	Enrich        bool     `toml:"enrich"`
	FullText      bool     `toml:"full_text"`
	CountComments bool     `toml:"count_comments"`
	MaxAge        Duration `toml:"max_age"`
	MaxPerSource  int      `toml:"max_per_source"`
}

// Group is one [[group]] table: a sub-feed served at /g/NAME.{atom,rss,json}.
type Group struct {
	Name        string   `toml:"name"`
	Title       string   `toml:"title"`
	Sources     []string `toml:"sources"`
	Tags        []string `toml:"tags"`
	Include     []string `toml:"include"`
	Exclude     []string `toml:"exclude"`
	MinReadTime int      `toml:"min_read_time"`
	MaxReadTime int      `toml:"max_read_time"`
}

// Rule is one [[rule]] table: conditions on articles' fields, and what to do
// with the articles of its sources that meet them all (see README, Rules).
type Rule struct {
	// Name names the rule in Article.From["rule"] and messages; unset, it
	// is "rule[N]", N counted from 0 in file order.
	Name string `toml:"name"`
	// Sources and Tags choose the sources the rule applies to: those named,
	// and those holding one of the tags; neither, every source.
	Sources []string `toml:"sources"`
	Tags    []string `toml:"tags"`
	Match   Match    `toml:"match"`
	// Regex makes every word of Match a Go RE2 expression.
	Regex       bool `toml:"regex"`
	MinReadTime int  `toml:"min_read_time"`
	MaxReadTime int  `toml:"max_read_time"`

	Drop      bool   `toml:"drop"`
	KeepOnly  bool   `toml:"keep_only"`
	Tag       string `toml:"tag"`
	SetAuthor string `toml:"set_author"`
}

// Match is a rule's match table: each field set lists words (or, with
// regex, expressions), one of which the field must hold; every field set
// must hold one.
type Match struct {
	Title   []string `toml:"title"`
	Author  []string `toml:"author"`
	Content []string `toml:"content"`
	URL     []string `toml:"url"`
	Source  []string `toml:"source"`
	Tags    []string `toml:"tags"`
}

// Fields lists the match table's fields that are set, by key, in the order
// of article.Fields.
func (m Match) Fields() []MatchField {
	var out []MatchField
	for _, f := range []MatchField{{"title", m.Title}, {"author", m.Author}, {"content", m.Content}, {"url", m.URL}, {"source", m.Source}, {"tags", m.Tags}} {
		if f.Words != nil {
			out = append(out, f)
		}
	}
	return out
}

// MatchField is one key of a match table and its words.
type MatchField struct {
	Key   string
	Words []string
}

// RuleName is the rule's name, else "rule[i]".
func (r Rule) RuleName(i int) string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("rule[%d]", i)
}

// EffectiveSchedule is the source's own schedule, else the [fetch] one.
func (s Source) EffectiveSchedule(f Fetch) string {
	if s.Schedule != "" {
		return s.Schedule
	}
	return f.Schedule
}

// Source returns the named source.
func (c *Config) Source(name string) (Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// Defaults returns a configuration holding every default value and no sources.
func Defaults() Config {
	return Config{
		Server: Server{Listen: "127.0.0.1:8080", RenderCacheSize: 32 << 20},
		Store: Store{
			Backend:     "bolt",
			Path:        "data/tributary.db",
			OrphanGrace: Duration{30 * 24 * time.Hour},
		},
		Fetch: Fetch{
			Schedule:    "@every 30m",
			Concurrency: 8,
			PerHost:     2,
			Timeout:     Duration{30 * time.Second},
			MaxBodySize: 8 << 20,
			Jitter:      Duration{time.Minute},
			MinInterval: Duration{time.Minute},
			MaxInterval: Duration{24 * time.Hour},
			MaxBackoff:  Duration{24 * time.Hour},
			MaxItems:    1000,

			EnrichConcurrency: 8,
			EnrichBudget:      Duration{time.Minute},
			BackgroundCores:   1,
			GCPercent:         400,
		},
		Feed: Feed{
			Title:       "Tributary",
			Description: "Everything my sources published, in one feed",
			MaxItems:    50,

			WordsPerMinute:         265,
			CJKCharactersPerMinute: 500,
		},
	}
}

// Overrides are settings from outside the file (cmd reads them from the
// environment), applied before validation. Empty fields change nothing.
type Overrides struct {
	StoreDSN string // TRIBUTARY_STORE_DSN: [store] dsn
}

// LoadWith is Load with o applied over the file's values.
func LoadWith(path string, o Overrides) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return parse(abs, data, o)
}

// Load reads, decodes and validates the configuration at path. A returned
// error of type Problems lists everything wrong with the file at once.
func Load(path string) (*Config, error) { return LoadWith(path, Overrides{}) }

// Parse decodes and validates a configuration read from file.
func Parse(file string, data []byte) (*Config, error) {
	return parse(file, data, Overrides{})
}

func parse(file string, data []byte, o Overrides) (*Config, error) {
	cfg := Defaults()
	cfg.File = file
	pos := newPositions(data)
	var probs Problems

	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		var strict *toml.StrictMissingError
		var derr *toml.DecodeError
		switch {
		case errors.As(err, &strict):
			for _, e := range strict.Errors {
				row, _ := e.Position()
				msg := "unknown key"
				if s := suggest(e.Key()); s != "" {
					msg += " (did you mean " + s + "?)"
				}
				probs = append(probs, Problem{File: file, Line: row, Key: strings.Join(e.Key(), "."), Msg: msg})
			}
		case errors.As(err, &derr):
			// The decoder stops at the first wrong type: find them all.
			if tp := typeProblems(file, data, pos); len(tp) > 0 {
				tp.sort()
				return nil, tp
			}
			row, _ := derr.Position()
			probs = append(probs, Problem{File: file, Line: row, Key: strings.Join(derr.Key(), "."), Msg: derr.Error()})
			return nil, probs // nothing trustworthy was decoded
		default:
			if tp := typeProblems(file, data, pos); len(tp) > 0 {
				tp.sort()
				return nil, tp
			}
			probs = append(probs, Problem{File: file, Line: 1, Msg: err.Error()})
			return nil, probs
		}
	}
	if o.StoreDSN != "" {
		cfg.Store.DSN = o.StoreDSN
	}
	cfg.resolvePaths()
	probs = append(probs, cfg.validate(pos)...)
	if len(probs) > 0 {
		probs.sort()
		return &cfg, probs
	}
	return &cfg, nil
}

// resolvePaths makes relative paths relative to the config file's folder.
func (c *Config) resolvePaths() {
	if c.Store.Path != "" && !filepath.IsAbs(c.Store.Path) {
		c.Store.Path = filepath.Join(filepath.Dir(c.File), c.Store.Path)
	}
}

var arrayIndex = regexp.MustCompile(`\.(\d+)(\.|$)`)

// displayKey writes "source.2.url" as "source[2].url".
func displayKey(key string) string { return arrayIndex.ReplaceAllString(key, "[$1]$2") }

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (c *Config) validate(pos positions) Problems {
	var p Problems
	bad := func(key, format string, args ...any) {
		p = append(p, Problem{File: c.File, Line: pos.line(key), Key: displayKey(key), Msg: fmt.Sprintf(format, args...)})
	}
	if c.Server.Listen == "" {
		bad("server.listen", "must not be empty")
	}
	if c.Server.BaseURL != "" {
		if err := checkHTTPURL(c.Server.BaseURL); err != nil {
			bad("server.base_url", "%v", err)
		}
	}
	if c.Server.MaxConnections < 0 {
		bad("server.max_connections", "must not be negative (0 picks the default), got %d", c.Server.MaxConnections)
	}
	if c.Server.RenderCacheSize < 1<<20 {
		bad("server.render_cache_size", "must be at least 1MiB, got %d bytes", c.Server.RenderCacheSize)
	}
	switch c.Store.Backend {
	case "bolt":
		if c.Store.Path == "" {
			bad("store.path", "must not be empty")
		}
		if _, inFile := pos["store.dsn"]; inFile {
			bad("store.dsn", `is only read with backend = "postgres" (backend is "bolt")`)
		}
	case "postgres":
		if c.Store.DSN == "" {
			bad("store.backend", `"postgres" needs [store] dsn (or the environment variable TRIBUTARY_STORE_DSN), e.g. "postgres://tributary@localhost/tributary"`)
		} else if !strings.HasPrefix(c.Store.DSN, "postgres://") && !strings.HasPrefix(c.Store.DSN, "postgresql://") && !strings.Contains(c.Store.DSN, "=") {
			bad("store.dsn", `must be a postgres:// URL or key=value settings (dbname=tributary host=…)`)
		}
	default:
		bad("store.backend", `must be "bolt" or "postgres", got %q`, c.Store.Backend)
	}
	if c.Store.MaxAge.Duration < 0 {
		bad("store.max_age", "must not be negative")
	}
	if c.Store.MaxPerSource < 0 {
		bad("store.max_per_source", "must not be negative")
	}
	if c.Store.OrphanGrace.Duration < 0 {
		bad("store.orphan_grace", "must not be negative")
	}
	// Sources mostly share a few schedules: each is checked once.
	floor := max(c.Fetch.MinInterval.Duration, 1)
	schedErrs := map[string]error{}
	checkSched := func(spec string) error {
		err, ok := schedErrs[spec]
		if !ok {
			err = checkSchedule(spec, floor)
			schedErrs[spec] = err
		}
		return err
	}
	if c.Fetch.MinInterval.Duration <= 0 {
		bad("fetch.min_interval", "must be positive")
	} else if err := checkSched(c.Fetch.Schedule); err != nil {
		bad("fetch.schedule", "%v", err)
	}
	if c.Fetch.Concurrency < 1 {
		bad("fetch.concurrency", "must be at least 1, got %d", c.Fetch.Concurrency)
	}
	if c.Fetch.PerHost < 1 {
		bad("fetch.per_host", "must be at least 1, got %d", c.Fetch.PerHost)
	}
	if c.Fetch.Timeout.Duration <= 0 {
		bad("fetch.timeout", "must be positive")
	}
	if c.Fetch.MaxBodySize <= 0 {
		bad("fetch.max_body_size", "must be positive")
	}
	if c.Fetch.Jitter.Duration < 0 {
		bad("fetch.jitter", "must not be negative")
	}
	if c.Fetch.MaxInterval.Duration <= 0 {
		bad("fetch.max_interval", "must be positive")
	}
	if c.Fetch.MaxBackoff.Duration <= 0 {
		bad("fetch.max_backoff", "must be positive")
	}
	if c.Fetch.EnrichConcurrency < 1 {
		bad("fetch.enrich_concurrency", "must be at least 1, got %d", c.Fetch.EnrichConcurrency)
	}
	if c.Fetch.EnrichBudget.Duration <= 0 {
		bad("fetch.enrich_budget", "must be positive")
	}
	if c.Fetch.MaxItems < 1 {
		bad("fetch.max_items", "must be at least 1, got %d", c.Fetch.MaxItems)
	}
	if !(c.Fetch.BackgroundCores > 0) {
		bad("fetch.background_cores", "must be more than 0, got %v", c.Fetch.BackgroundCores)
	}
	if c.Fetch.GCPercent < 1 {
		bad("fetch.gc_percent", "must be at least 1, got %d", c.Fetch.GCPercent)
	}
	if c.Feed.MaxItems < 1 {
		bad("feed.max_items", "must be at least 1, got %d", c.Feed.MaxItems)
	}
	if c.Feed.WebSubHub != "" {
		if err := checkHTTPURL(c.Feed.WebSubHub); err != nil {
			bad("feed.websub_hub", "%v", err)
		}
	}

	seen := map[string]int{}
	for i, s := range c.Sources {
		key := func(k string) string { return fmt.Sprintf("source.%d.%s", i, k) }
		switch {
		case s.Name == "":
			bad(key("name"), "missing: every [[source]] needs a name")
		case !sourceName.MatchString(s.Name):
			bad(key("name"), "%q: use lowercase letters, digits and '-'", s.Name)
		default:
			if j, dup := seen[s.Name]; dup {
				bad(key("name"), "%q is already the name of the source at line %d", s.Name, pos.line(fmt.Sprintf("source.%d.name", j)))
			}
			seen[s.Name] = i
		}
		if s.URL == "" {
			bad(key("url"), "missing: source %q needs a url", s.Name)
		} else if err := checkHTTPURL(s.URL); err != nil {
			bad(key("url"), "%v", err)
		}
		if s.Schedule != "" {
			if err := checkSched(s.Schedule); err != nil {
				bad(key("schedule"), "%v", err)
			}
		}
		if s.FullText && !s.Enrich {
			bad(key("full_text"), "full_text needs enrich = true")
		}
		if s.MaxAge.Duration < 0 {
			bad(key("max_age"), "must not be negative")
		}
		if s.MaxPerSource < 0 {
			bad(key("max_per_source"), "must not be negative")
		}
	}

	groups := map[string]bool{}
	for i, g := range c.Groups {
		key := func(k string) string { return fmt.Sprintf("group.%d.%s", i, k) }
		switch {
		case g.Name == "":
			bad(key("name"), "missing: every [[group]] needs a name")
		case !sourceName.MatchString(g.Name):
			bad(key("name"), "%q: use lowercase letters, digits and '-'", g.Name)
		case groups[g.Name]:
			bad(key("name"), "%q names two groups", g.Name)
		}
		groups[g.Name] = true
		for _, name := range g.Sources {
			if _, ok := seen[name]; !ok {
				bad(key("sources"), "no source is named %q", name)
			}
		}
		if g.MinReadTime < 0 || g.MaxReadTime < 0 {
			bad(key("min_read_time"), "read times must not be negative")
		}
		if g.MaxReadTime > 0 && g.MinReadTime > g.MaxReadTime {
			bad(key("max_read_time"), "max_read_time %d is below min_read_time %d", g.MaxReadTime, g.MinReadTime)
		}
	}
	p = append(p, c.validateRules(pos, seen)...)
	return p
}
