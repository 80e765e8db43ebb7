package fetcher

import (
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

func TestToUTF8(t *testing.T) {
	decl := func(enc string) string { return `<?xml version="1.0" encoding="` + enc + `"?>` }
	tests := []struct {
		name, in, ctype, want, wantEnc string
	}{
		{"utf8 bom", "\xEF\xBB\xBF<rss>é</rss>", "", "<rss>é</rss>", "utf-8 (BOM)"},
		{"utf16le bom", "\xFF\xFE<\x00a\x00>\x00\xE9\x00<\x00/\x00a\x00>\x00", "", "<a>é</a>", "utf-16le"},
		{"utf16be bom", "\xFE\xFF\x00<\x00a\x00>\x00\xE9\x00<\x00/\x00a\x00>", "", "<a>é</a>", "utf-16be"},
		{"declared latin1, really utf8", decl("ISO-8859-1") + "<a>Café</a>", "", decl("UTF-8") + "<a>Café</a>", "utf-8"},
		{"declared latin1", decl("ISO-8859-1") + "<a>Caf\xE9</a>", "", decl("UTF-8") + "<a>Café</a>", "windows-1252"},
		{"declared windows-1252 euro", decl("windows-1252") + "<a>\x80</a>", "", decl("UTF-8") + "<a>€</a>", "windows-1252"},
		{"declared koi8-r", decl("KOI8-R") + "<a>\xF0\xD2\xC9\xCD\xC5\xD2</a>", "", decl("UTF-8") + "<a>Пример</a>", "koi8-r"},
		{"http charset wins over the declaration", decl("ISO-8859-1") + "<a>\xF0\xD2\xC9\xCD\xC5\xD2</a>", "text/xml; charset=koi8-r", decl("UTF-8") + "<a>Пример</a>", "koi8-r"},
		{"undeclared latin1", "<a>Caf\xE9</a>", "", "<a>Café</a>", "windows-1252"},
		{"unknown label", decl("invalid") + "<a>Caf\xE9</a>", "", decl("UTF-8") + "<a>Café</a>", "windows-1252"},
		{"declared utf-8 but latin1", decl("utf-8") + "<a>Caf\xE9</a>", "", decl("UTF-8") + "<a>Café</a>", "windows-1252"},
		{"ascii", "\n\n" + decl("us-ascii") + "<a>x</a>", "", decl("UTF-8") + "<a>x</a>", "windows-1252"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, enc, err := toUTF8([]byte(tc.in), tc.ctype)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want || enc != tc.wantEnc {
				t.Errorf("got %q (%s), want %q (%s)", got, enc, tc.want, tc.wantEnc)
			}
		})
	}
}

func TestRawPass(t *testing.T) {
	atom := `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<title>t</title>
<entry><id>e1</id><title>one</title><link href="http://x/1"/>
<link rel="replies" type="application/atom+xml" href="http://x/1/c" thr:count="7"/></entry>
<entry><id>e2</id><title>two</title><link href="http://x/2"/></entry>
</feed>`
	items, _ := rawPass([]byte(atom))
	if len(items) != 2 || items[0].Extras.ThrCount == nil || *items[0].Extras.ThrCount != 7 || items[1].Extras.ThrCount != nil || items[0].GUID != "e1" {
		t.Errorf("atom: %+v", items)
	}
	// rel="replies" links: an HTML type is the comment page, another the feed.
	replies := `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<entry><id>e1</id><link href="http://x/1"/><link rel="replies" type="text/html" href="http://x/1#c" thr:count="2"/><link rel="replies" href="c/1.atom"/></entry>
</feed>`
	items, _ = rawPass([]byte(replies))
	if len(items) != 1 || items[0].Extras.CommentsURL != "http://x/1#c" || items[0].Extras.CommentRSS != "c/1.atom" {
		t.Errorf("replies links: %+v", items)
	}
	rss := `<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel><title>t</title><ttl>90</ttl><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
<skipHours><hour>1</hour><hour>2</hour></skipHours>
<item><guid>g1</guid><comments>http://x/1#c</comments><wfw:commentRss>http://x/1/feed</wfw:commentRss></item>
</channel></rss>`
	items, h := rawPass([]byte(rss))
	if len(items) != 1 || items[0].Extras.CommentsURL != "http://x/1#c" || items[0].Extras.CommentRSS != "http://x/1/feed" {
		t.Errorf("rss: %+v", items)
	}
	if h.TTL != 90*time.Minute || h.Period != 12*time.Hour || len(h.SkipHours) != 2 {
		t.Errorf("hints: %+v", h)
	}
}

func TestNextAttempt(t *testing.T) {
	sched, _ := config.ParseSchedule("@every 30m")
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		h          feedHints
		want       time.Duration
		wantReason string
	}{
		{"schedule", feedHints{}, 30 * time.Minute, "schedule"},
		{"shorter ttl ignored", feedHints{hints: hints{TTL: 10 * time.Minute}}, 30 * time.Minute, "schedule"},
		{"ttl lengthens", feedHints{hints: hints{TTL: 2 * time.Hour}}, 2 * time.Hour, "RSS ttl"},
		{"max-age lengthens", feedHints{MaxAge: time.Hour}, time.Hour, "Cache-Control"},
		{"capped by max_interval", feedHints{hints: hints{Period: 7 * 24 * time.Hour}}, 6 * time.Hour, "sy:updatePeriod"},
		{"skipHours", feedHints{hints: hints{SkipHours: []int{10, 11}}}, 2 * time.Hour, "skipHours"},
	}
	for _, tc := range tests {
		next, why := nextAfterSuccess(sched, now, 0, tc.h, 6*time.Hour, "schedule")
		if next.Sub(now) != tc.want || !strings.Contains(why, tc.wantReason) {
			t.Errorf("%s: in %v (%s), want %v (%s)", tc.name, next.Sub(now), why, tc.want, tc.wantReason)
		}
	}
	// Back-off doubles per failure, within +25% jitter, capped.
	for failures, want := range map[int]time.Duration{1: 30 * time.Minute, 2: time.Hour, 3: 2 * time.Hour, 8: 4 * time.Hour} {
		next, why := nextAfterFailure(sched, now, 0, failures, 0, 500, 4*time.Hour)
		if d := next.Sub(now); d < want || d > want+want/4 || !strings.Contains(why, "back-off") {
			t.Errorf("%d failures: %v (%s), want %v..%v", failures, d, why, want, want+want/4)
		}
	}
	if next, why := nextAfterFailure(sched, now, 0, 1, 3*time.Hour, 429, 24*time.Hour); next.Sub(now) != 3*time.Hour || !strings.Contains(why, "Retry-After") {
		t.Errorf("Retry-After: %v (%s)", next.Sub(now), why)
	}
	// Offsets spread over the window and stay in it.
	for _, name := range []string{"a", "b", "blog"} {
		if o := offset(name, time.Minute); o < 0 || o >= time.Minute {
			t.Errorf("offset %v", o)
		}
	}
	if w := window(sched, time.Hour); w != 30*time.Minute {
		t.Errorf("window %v, want the schedule's 30m", w)
	}
}
