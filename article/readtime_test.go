package article

import (
	"math/rand/v2"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func words(n int) string { return strings.TrimSpace(strings.Repeat("word ", n)) }

func TestReadMinutes(t *testing.T) {
	han := func(n int) string { return strings.Repeat("字", n) }
	for _, tc := range []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"white space only", " \n\t ", 0},
		{"punctuation only", "— … !", 0},
		{"one word", "hello", 1},
		{"265 words", words(265), 1},
		{"266 words", words(266), 2},
		{"1000 words", words(1000), 4},
		{"500 han", han(500), 1},
		{"501 han", han(501), 2},
		{"1500 han", han(1500), 3},
		{"kana", strings.Repeat("ひらがなカタカナ", 125), 2},             // 1000 characters
		{"hangul by characters", strings.Repeat("한국어 ", 400), 3}, // 1200 characters
		// Mixed: timed per script and added, not as 1 word of English.
		{"chinese with english terms", han(1000) + " " + words(265), 3},
		{"mixed parts add before rounding", han(250) + " " + words(132), 1},
		{"mixed parts just over a minute", han(250) + " " + words(133), 2},
		{"cjk punctuation not counted", strings.Repeat("。", 600), 0},
		{"hyphenated and apostrophes", "don't well-known", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReadMinutes(tc.text); got != tc.want {
				t.Errorf("ReadMinutes = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestReadMinutesHTMLLeavesOutFurniture(t *testing.T) {
	body := "<p>" + words(265) + "</p>" +
		`<div class="sharedaddy sd-sharing-enabled"><p>` + words(400) + `</p></div>` +
		`<section id="comments"><p>` + words(600) + `</p></section>` +
		`<div class="jp-relatedposts">` + words(300) + `</div>` +
		`<nav>` + words(300) + `</nav><script>var x = "` + words(900) + `";</script>`
	if got := readMinutesHTML(body); got != 1 {
		t.Errorf("readMinutesHTML = %d, want 1 (share bar, comments, related posts, nav and script left out)", got)
	}
	// A story wrapped whole in a "share" container is still the story.
	if got := readMinutesHTML(`<div id="gigya-share-btns-2_gig_containerParent"><p>` + words(600) + `</p><div class="share-bar">` + words(10) + `</div></div>`); got != 3 {
		t.Errorf("story inside a share container: %d, want 3", got)
	}
	if got := readMinutesHTML("<p>a&amp;b</p><p>c</p>"); got != 1 {
		t.Errorf("entities: %d", got)
	}
	if got := readMinutesHTML("<img src=x><br>"); got != 0 {
		t.Errorf("no text: %d, want 0", got)
	}
}

func TestStatedMinutes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"7 Min Read", 7},
		{"Posted Jan 3 · 12 min read", 12},
		{"a 5-minute read", 5},
		{"Lesezeit: 4 Minuten", 4},
		{"Reading time: 3 min", 3},
		{"Temps de lecture : 2 min", 2},
		{"in 7 minutes we read", 0},
		{"no time here", 0},
		{strings.Repeat("the minimum administration of minutes ", 300) + "Jane Doe · 9 min read", 9},
		{"3 min read, then 8 min read", 3},
		{"Lesezeit: 6 Min. and later 2 min read", 6},
		{"", 0},
	} {
		if got := StatedMinutes(tc.in); got != tc.want {
			t.Errorf("StatedMinutes(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	if got := statedFromLabel("Est. reading time", "7 minutes"); got != 7 {
		t.Errorf("Yoast label: %d", got)
	}
	if got := statedFromLabel("Written by", "Jane"); got != 0 {
		t.Errorf("other label: %d", got)
	}
}

func TestFeedBody(t *testing.T) {
	long := words(400)
	for _, tc := range []struct {
		name                 string
		content, description string
		want                 bool
	}{
		{"content beside a summary", "The water rose by two metres overnight, and the town woke to a lake.", "The water rose by two metres.", true},
		{"short content of its own", "One line of its own.", "", true},
		{"content repeating the description", "A standfirst of one sentence.", "A standfirst of one sentence.", false},
		{"content a prefix of the description", "A standfirst", "A standfirst of one sentence.", false},
		{"content ending in an ellipsis", "The start of the story …", "", false},
		{"content ending in read more", "The start of the story. Read more", "", false},
		{"wordpress excerpt", "The start of the story [&hellip;]", "", false},
		{"wordpress excerpt decoded", "The start of the story […] The post Story appeared first on Site.", "", false},
		{"full content with the plugin footer", long + " The post Story appeared first on Site.", "", true},
		{"guardian summary", "", "Protesters gathered in the capital on Sunday. Continue reading...", false},
		{"short description only", "", "Forty-one this year.", false},
		{"long description only", "", long, true},
		{"long description truncated", "", long + " …", false},
		{"long description, german link", "", long + " Weiterlesen", false},
		{"long description, french link", "", long + " Lire la suite »", false},
		{"same long text in both", long, long, true},
		{"nothing", "", "", false},
		{"149 words only", "", words(149), false},
		{"150 words", "", words(150), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, d := tc.content, tc.description
			if strings.Contains(c, "&") {
				c = htmlText(c)
			}
			if _, got := FeedBody(c, d); got != tc.want {
				t.Errorf("FeedBody(%.40q, %.40q) = %v, want %v", tc.content, tc.description, got, tc.want)
			}
		})
	}
}

// A read time is counted only from a body: the three ways an item reaches
// us (content beside a summary, a full description, a summary only) and a
// stated one kept apart.
func TestItemReadTimeOnlyFromBody(t *testing.T) {
	item := func(desc, content string) string {
		return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><item><title>I</title><link>https://example.com/i</link>` +
			`<description><![CDATA[` + desc + `]]></description>` + content + `</item></channel></rss>`
	}
	for _, tc := range []struct {
		name       string
		doc        string
		want       int
		from       string
		wantStated int
	}{
		{"content:encoded", item("A summary.", `<content:encoded><![CDATA[<p>`+words(400)+`</p>]]></content:encoded>`), 2, FromFeed, 0},
		{"full text in the description", item("<p>"+words(300)+"</p>", ""), 2, FromFeed, 0},
		{"summary only", item("<p>Protesters gathered. <a href=\"https://example.com/i\">Continue reading...</a></p>", ""), 0, "", 0},
		{"summary with a stated time", item("<p>A summary. 7 min read</p>", ""), 0, FromStated, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := FromItem(testSrc, parseFeed(t, tc.doc), parseFeed(t, tc.doc).Items[0], RawExtras{})
			if a.ReadTime != tc.want || a.From["read_time"] != tc.from || a.StatedRead != tc.wantStated {
				t.Errorf("read time %d from %q, stated %d; want %d from %q, stated %d", a.ReadTime, a.From["read_time"], a.StatedRead, tc.want, tc.from, tc.wantStated)
			}
			if m, stated := a.ShownReadTime(); m != max(tc.want, tc.wantStated) || stated != (tc.want == 0 && tc.wantStated > 0) {
				t.Errorf("ShownReadTime = %d, %v", m, stated)
			}
		})
	}
}

// The seed article (README's "By Emmanuel McDammy · 2 min read") reaches us
// three ways, each carrying or fetching its body: RSS content:encoded beside
// a one-line description, a JSON Feed content_html, and a summary-only Atom
// entry enriched with its page. Every way gives its byline and 2 minutes.
func TestSeedArticleThreePaths(t *testing.T) {
	body := "<p>" + words(400) + "</p>" // 400 words: 2 minutes at 265 a minute
	summary := "The water rose by two metres."
	rssDoc := rss(`<language>en</language>`, `<dc:creator>Emmanuel McDammy</dc:creator><description>`+summary+`</description><content:encoded><![CDATA[`+body+`]]></content:encoded>`)
	jsonDoc := `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","url":"https://example.com/posts/1","title":"Item",` +
		`"authors":[{"name":"Emmanuel McDammy"}],"summary":"` + summary + `","content_html":"` + body + `"}]}`
	atom := atomDoc("", `<entry><title>Item</title><id>urn:e</id><updated>2024-01-01T00:00:00Z</updated><link href="https://example.com/posts/1"/><summary>`+summary+`</summary></entry>`)
	page := `<!DOCTYPE html><html><head><title>Item</title><meta name="author" content="Emmanuel McDammy"></head><body><article><h1>Item</h1>` +
		strings.Repeat("<p>"+words(100)+".</p>", 4) + `</article></body></html>`

	for _, tc := range []struct {
		name, doc string
		page      bool
		from      string
	}{
		{"rss content:encoded", rssDoc, false, FromFeed},
		{"json feed content_html", jsonDoc, false, FromFeed},
		{"atom summary, page enriched", atom, true, FromPage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := parseFeed(t, tc.doc)
			a := FromItem(testSrc, f, f.Items[0], RawExtras{})
			if tc.page {
				if a.ReadTime != 0 {
					t.Errorf("summary timed: %d min", a.ReadTime)
				}
				u, _ := url.Parse(a.Link)
				a.Enrich([]byte(page), u, EnrichOptions{})
			}
			if !reflect.DeepEqual(a.Authors, []string{"Emmanuel McDammy"}) || a.ReadTime != 2 || a.From["read_time"] != tc.from {
				t.Errorf("authors %q, read time %d from %q; want Emmanuel McDammy, 2 from %q", a.Authors, a.ReadTime, a.From["read_time"], tc.from)
			}
		})
	}
}

// readMinutesRef is ReadMinutes before its ASCII table: rune by rune
// through the unicode classes.
func readMinutesRef(text string) int {
	words, cjk := 0, 0
	inWord := false
	for _, r := range text {
		switch {
		case isCJK(r):
			cjk++
			inWord = false
		case unicode.IsSpace(r) || (unicode.IsPunct(r) && r != '\'' && r != '-' && r != '’'):
			inWord = false
		default:
			if !inWord && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
				words++
				inWord = true
			}
		}
	}
	if words == 0 && cjk == 0 {
		return 0
	}
	num := words*CJKCharsPerMinute + cjk*WordsPerMinute
	den := WordsPerMinute * CJKCharsPerMinute
	return max(1, (num+den-1)/den)
}

// TestReadMinutesASCIITable: the ASCII fast path counts as the unicode
// classes do, on every ASCII byte next to words and on mixed text.
func TestReadMinutesASCIITable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab1 \t\n'-’.,;:!?()[]{}\"/\\@#$%^&*_+=<>|~`é中ü\u00a0\u2014\xff")
	for range 600 {
		var b strings.Builder
		for range r.IntN(1000) {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		if r.IntN(4) == 0 {
			b.WriteString(words(r.IntN(600)))
		}
		s := b.String()
		if got, want := ReadMinutes(s), readMinutesRef(s); got != want {
			t.Fatalf("ReadMinutes(%.80q) = %d, the rune-by-rune count gives %d", s, got, want)
		}
	}
	for c := range 128 {
		s := strings.Repeat("word"+string(rune(c))+"x ", 300)
		if got, want := ReadMinutes(s), readMinutesRef(s); got != want {
			t.Errorf("byte %#x: ReadMinutes = %d, want %d", c, got, want)
		}
	}
}
