package fetcher

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tributary-feeds/tributary/internal/testenv"
)

// corpusName turns a corpus file name into a source name.
func corpusName(file string) string {
	n := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(file, ".xml"), ".json"))
	return strings.NewReplacer("_", "-", ".", "-").Replace(n)
}

// TestCorpusOverHTTP serves every feed of the corpus over HTTP and fetches
// them all: the parseable ones are stored as valid UTF-8 (the encoding
// cases checked for their real characters), the others fail with a clear
// error. The list is printed with reasons.
func TestCorpusOverHTTP(t *testing.T) {
	dir := testenv.Corpus(t, "feeds")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	cfg := testConfig()
	cfg.Fetch.MaxBodySize = 8 << 20
	cfg.Fetch.Timeout.Duration = 20e9
	srv := serve(t, mux)
	files := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || (!strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".json")) {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		ctype := "application/xml" // as most servers say: no charset
		if strings.HasSuffix(name, ".json") {
			ctype = "application/feed+json"
		}
		mux.HandleFunc("/"+name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		})
		sn := corpusName(name)
		files[sn] = name
		cfg.Sources = append(cfg.Sources, src(sn, srv.URL+"/"+name))
	}
	st := newStore(t)
	outs := New(cfg, st, nil).Once(context.Background())

	var ok, failed []string
	for _, o := range outs {
		if o.Result == ResultError {
			failed = append(failed, files[o.Source]+": "+o.Err.Error())
			if line := o.String(); !strings.HasPrefix(line, o.Source+": error: ") || strings.Contains(line, "fetch "+o.Source) {
				t.Errorf("%s: line %q: want NAME: error: WHY, naming the source once", o.Source, line)
			}
			continue
		}
		n := 0
		for _, a := range articles(t, st, o.Source) {
			n++
			for field, s := range map[string]string{"title": a.Title, "summary": a.Summary, "content": a.Content} {
				if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
					t.Errorf("%s: article %s: %s is not clean UTF-8: %q", files[o.Source], a.ID, field, s)
				}
			}
		}
		ok = append(ok, files[o.Source]+": "+string(o.Result)+", "+itoa(n)+" articles")
	}
	sort.Strings(ok)
	sort.Strings(failed)
	t.Logf("%d parsed:\n  %s", len(ok), strings.Join(ok, "\n  "))
	t.Logf("%d refused, with reasons:\n  %s", len(failed), strings.Join(failed, "\n  "))

	// The encoding cases, checked for their real characters.
	stored := func(name string) string {
		var b strings.Builder
		s := stateOf(t, st, corpusName(name))
		b.WriteString(s.Title + "\n")
		for _, a := range articles(t, st, corpusName(name)) {
			b.WriteString(a.Title + "\n" + a.Summary + "\n" + a.Content + "\n")
		}
		return b.String()
	}
	for file, wants := range map[string][]string{
		"enc_windows-1252_euro_snippet.xml":             {"Euro €"},
		"enc_windows-1252_declared_but_utf8.xml":        {"Euro €"},
		"enc_iso-8859-1_declared_but_utf8.xml":          {"테스트 피드", "Café"},
		"enc_invalid_encoding_name.xml":                 {"테스트 피드", "Café"},
		"enc_koi8r_declared.xml":                        {"Пример RSS ленты", "Первая новость"},
		"rss20_ibash_windows-1251.xml":                  {"Цитата #17703", "есть у кого"},
		"rss20_utf16le_bom.xml":                         {"Test feed"},
		"rss20_cerclepsy_undeclared_iso-8859-1.xml":     {"modèles européens"},
		"rss091_dicasl_iso-8859-1.xml":                  {"Dicas técnicas"},
		"rss20_golem_iso-8859-1_slash.xml":              {"ü"},
		"atom10_large_cyrillic_css_sanitise.xml":        {"и"},
		"rss20_bbc_urdu.xml":                            {"پاکستان"},
		"atom10_samruby_thr_count.xml":                  {""},
		"podcast_leading_blankline_spaces_in_attrs.xml": {""},
	} {
		got := stored(file)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s: stored text lacks %q:\n%.300s", file, w, got)
			}
		}
		if strings.Contains(got, "Ã") || strings.Contains(got, "â‚¬") {
			t.Errorf("%s: double-decoded text: %.200s", file, got)
		}
	}
	// Documents that are not well-formed, or not feeds, are refused.
	for _, file := range []string{"malformed_rss_unclosed_root.xml", "malformed_comment_only_document.xml", "malformed_rss_incomplete_cdata.xml"} {
		if o := byName(outs)[corpusName(file)]; o.Result != ResultError {
			t.Errorf("%s: %v, want an error", file, o)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
