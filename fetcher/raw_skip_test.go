package fetcher

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tributary-feeds/tributary/internal/testenv"
)

// rawPass's shortcut must not change what it finds: for every corpus feed
// (UTF-8 converted) the walk without the shortcut finds extras or hints only
// when mayHaveExtras says it may.
func TestMayHaveExtrasLosesNothing(t *testing.T) {
	dir := testenv.Corpus(t, "feeds")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{"slash": []byte(`<rss xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><item><guid>a</guid><slash:comments>3</slash:comments></item></channel></rss>`)}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			doc, _, err := toUTF8(b, "")
			if err != nil {
				continue
			}
			docs[e.Name()] = doc
		}
	}
	skipped := 0
	for name, doc := range docs {
		if mayHaveExtras(doc) {
			continue
		}
		skipped++
		full, fh := rawWalk(doc)
		for i, it := range full {
			if !reflect.ValueOf(it.Extras).IsZero() {
				t.Errorf("%s: item %d has extras %+v, yet mayHaveExtras is false", name, i, it.Extras)
			}
		}
		if !reflect.ValueOf(fh).IsZero() {
			t.Errorf("%s: hints %+v, yet mayHaveExtras is false", name, fh)
		}
	}
	if skipped == 0 {
		t.Error("no document took the shortcut")
	}
	for _, d := range []string{
		`<rss xmlns:wfw="http://WellFormedWeb.org/CommentAPI/"><channel><item><wfw:commentRss>x</wfw:commentRss></item></channel></rss>`,
		`<rss><channel><ttl>60</ttl></channel></rss>`,
		`<rss><channel><item><comments>https://x/c</comments></item></channel></rss>`,
	} {
		if !mayHaveExtras([]byte(d)) {
			t.Errorf("mayHaveExtras(%q) = false", d)
		}
	}
}
