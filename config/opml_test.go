package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestImportOPML(t *testing.T) {
	f, err := os.Open("testdata/opml/subscriptions.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	srcs, skipped, err := FromOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	WriteSources(&buf, srcs, "subscriptions.opml")
	golden := "testdata/opml/subscriptions.toml"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		os.WriteFile(golden, buf.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(want) {
		t.Errorf("import-opml output:\n%s\nwant:\n%s", buf.String(), want)
	}
	wantSkipped := []string{
		`"A bookmark, not a feed": no xmlUrl`,
		`"Gopher \"news\"": xmlUrl "ftp://example.net/feed" is not an http(s) URL`,
		`"Empty folder": no xmlUrl`,
	}
	if strings.Join(skipped, "\n") != strings.Join(wantSkipped, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(wantSkipped, "\n"))
	}

	// The output is ready to append: a config made of it has no problems.
	file := filepath.Join(t.TempDir(), "config.toml")
	cfg, err := Parse(file, buf.Bytes())
	if err != nil {
		t.Fatalf("the imported tables do not make a valid config: %v", err)
	}
	if len(cfg.Sources) != 6 {
		t.Errorf("%d sources, want 6", len(cfg.Sources))
	}
}

func TestImportOPMLRefusesWhatIsNotOPML(t *testing.T) {
	for _, in := range []string{"", "<rss><channel/></rss>", "<opml><body><outline", "not xml at all"} {
		if _, _, err := FromOPML(strings.NewReader(in)); err == nil {
			t.Errorf("FromOPML(%q): no error", in)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"The Go Blog":        "the-go-blog",
		"Julia's Blog":       "julias-blog",
		"  LWN.net  ":        "lwn-net",
		"Science & Nature":   "science-nature",
		"Ünïcode Ñews 2026!": "unicode-news-2026",
		"日本語":                "",
		"--x--":              "x",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzFromOPML: no input makes the importer panic, and every source it
// returns has a valid name and an http(s) URL.
func FuzzFromOPML(f *testing.F) {
	seed, err := os.ReadFile("testdata/opml/subscriptions.opml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add(`<opml><body><outline text="x" xmlUrl="http://a/"><outline xmlUrl="http://a/"/></outline></body></opml>`)
	f.Add(`<?xml version="1.0" encoding="ISO-8859-1"?><opml><body><outline text="Caf` + "\xe9" + `" xmlUrl="https://b/"/></body></opml>`)
	f.Fuzz(func(t *testing.T, in string) {
		srcs, _, err := FromOPML(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		WriteSources(&buf, srcs, "fuzz")
		cfg, err := Parse("/fuzz/config.toml", buf.Bytes())
		if err != nil {
			t.Fatalf("output is not a valid config: %v\n%s", err, buf.String())
		}
		if len(cfg.Sources) != len(srcs) {
			t.Fatalf("%d sources written, %d read back", len(srcs), len(cfg.Sources))
		}
	})
}

// What Tributary's /opml writes comes back: tributary:name over the title,
// category tags (a comma list, and "/a/b" paths as one tag per step) beside
// the folders, and the settings; names the file gives are kept, titles'
// slugs step aside for them.
func TestImportOPMLReadsCategoriesNamesAndSettings(t *testing.T) {
	in := `<?xml version="1.0"?>
<opml version="2.0" xmlns:tributary="https://github.com/tributary-feeds/tributary/ns/1.0"><body>
<outline text="Heise online" xmlUrl="https://heise.example/atom" category="/tech,/news/de" tributary:name="heise" tributary:schedule="@every 10m" tributary:enrich="true" tributary:full_text="true" tributary:count_comments="1" tributary:max_age="720h0m0s" tributary:max_per_source="200"/>
<outline text="Go">
  <outline text="The Go Blog" xmlUrl="https://go.example/feed.atom" category="golang, weekly"/>
</outline>
<outline text="Heise" xmlUrl="https://other.example/heise.xml"/>
<outline text="Bad name" xmlUrl="https://bad.example/feed" tributary:name="Not A Name" tributary:schedule="every hour" tributary:enrich="yes please"/>
</body></opml>`
	srcs, notes, err := FromOPML(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	WriteSources(&buf, srcs, "x.opml")
	cfg, err := Parse(filepath.Join(t.TempDir(), "config.toml"), buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	got := map[string]Source{}
	var names []string
	for _, s := range cfg.Sources {
		got[s.Name] = s
		names = append(names, s.Name)
	}
	if strings.Join(names, " ") != "heise the-go-blog heise-2 bad-name" {
		t.Errorf("names %q, want heise the-go-blog heise-2 bad-name\n%s", names, buf.String())
	}
	h := got["heise"]
	if strings.Join(h.Tags, ",") != "tech,news,de" || h.Schedule != "@every 10m" || !h.Enrich || !h.FullText || !h.CountComments ||
		h.MaxAge.Duration != 720*time.Hour || h.MaxPerSource != 200 {
		t.Errorf("heise = %+v", h)
	}
	if g := got["the-go-blog"]; strings.Join(g.Tags, ",") != "go,golang,weekly" {
		t.Errorf("the-go-blog tags %q, want the folder then the categories", g.Tags)
	}
	if b := got["bad-name"]; b.Schedule != "" || b.Enrich {
		t.Errorf("unreadable settings were kept: %+v", b)
	}
	want := []string{
		`"Bad name": tributary:name "Not A Name" is not a source name (lowercase letters, digits and '-'): named after its title`,
		`"Bad name": tributary:schedule "every hour" ignored:`,
		`"Bad name": tributary:enrich "yes please" ignored: not true or false`,
	}
	if len(notes) != len(want) {
		t.Fatalf("notes %q, want %q", notes, want)
	}
	for i := range want {
		if !strings.HasPrefix(notes[i], want[i]) {
			t.Errorf("note %q, want %q…", notes[i], want[i])
		}
	}
}

// A file that is not OPML says so, and what it is.
func TestImportOPMLSaysWhatIsNotOPML(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "not an OPML file: it holds no XML element",
		"not xml at all":             "not an OPML file: it holds no XML element",
		`{"version": "1"}`:           "not an OPML file: it holds no XML element",
		"<opml><body><outline":       "not an OPML file: not XML: line 1:",
		"<rss><channel/></rss>":      "not an OPML file: the root element is <rss>: a feed, not a subscription list",
		"<html><body></body></html>": "not an OPML file: the root element is <html>, not <opml>",
		"\x00\x01binary garbage":     "not an OPML file",
	} {
		_, _, err := FromOPML(strings.NewReader(in))
		if err == nil || !errors.Is(err, ErrNotOPML) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("FromOPML(%q) = %v, want %q…", in, err, want)
		}
	}
}
