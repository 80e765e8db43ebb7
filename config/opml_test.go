package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
