package publisher

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmcdole/gofeed"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// TestGolden renders each format of a store holding every published field
// and compares it with testdata/golden; go test -run Golden -update rewrites
// them. Every emitted document is parsed back.
func TestGolden(t *testing.T) {
	cfg := testConfig()
	cfg.Feed.MaxItems = 3
	cfg.Feed.Annotate = true
	cfg.Feed.WebSubHub = "http://hub.test/"
	h := New(cfg, sampleStore(t), nil).Handler()
	for _, name := range []string{"feed.atom", "feed.rss", "feed.json", "g/long.atom", "t/podcasts.rss", "opml"} {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, h, "http://tributary.test/"+name)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %s\n%s", name, resp.Status, body)
			}
			file := filepath.Join("testdata", "golden", filepath.Base(name))
			if dir := filepath.Dir(name); dir != "." {
				file = filepath.Join("testdata", "golden", dir+"-"+filepath.Base(name))
			}
			if *update {
				os.MkdirAll(filepath.Dir(file), 0o755)
				if err := os.WriteFile(file, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("%s differs from %s (run with -update after checking):\n%s", name, file, body)
			}
			wellFormed(t, name, body)
		})
	}
}

// wellFormed parses b back: XML token by token, JSON strictly, and feeds
// through gofeed.
func wellFormed(t testing.TB, name string, b []byte) {
	t.Helper()
	if bytes.HasPrefix(b, []byte("{")) {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s is not JSON: %v", name, err)
		}
	} else {
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", name, err)
			}
		}
	}
	if name == "opml" {
		return
	}
	if _, err := gofeed.NewParser().Parse(bytes.NewReader(b)); err != nil {
		t.Fatalf("%s does not parse with gofeed: %v", name, err)
	}
}
