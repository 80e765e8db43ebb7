package publisher

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"regexp"
	"strings"
	"testing"

	nethtml "golang.org/x/net/html"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// hostileContent reaches the store without the sanitiser (as articles
// stored before a rule changed did): the publisher's last line must hold.
const hostileContent = `<p><a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(2)">b</a>` +
	`<a href="&#106;avascript:alert(3)">c</a><a href=" java&#x09;script:alert(4)">d</a>` +
	`<a href="vbscript:msgbox(5)">e</a><a href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNik+">f</a>` +
	`<a href="data:image/png;base64,iVBORw0KGgo=">g</a><a href="mailto:ok@example.com">mail</a>` +
	`<img src="https://ok.test/a.png" srcset="javascript:alert(7) 1x, https://ok.test/b.png 2x, data:image/png;base64,iVBORw0KGgo= 3x">` +
	`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoOCk+"><img src="data:image/png;base64,iVBORw0KGgo=">` +
	`<picture><source srcset="javascript:alert(9)" src="javascript:alert(10)" type="image/webp"></picture>` +
	`<blockquote cite="javascript:alert(11)">q</blockquote><img src="mailto:x@example.com"></p>`

// hostileStore holds articles whose every URL field, and whose source's
// channel link, is hostile, and a source whose feed URL carries
// credentials.
func hostileStore(t *testing.T) *store.Store {
	st := openStore(t)
	arts := []article.Article{
		{GUID: "h1", Link: "javascript:alert(document.domain)", Title: "Link", Published: t0, Updated: t0,
			Content: hostileContent, Summary: hostileContent, CommentsURL: "vbscript:msgbox(1)",
			Enclosures: []article.Enclosure{{URL: "javascript:alert(1)"}, {URL: "data:audio/mpeg;base64,AAAA", Type: "audio/mpeg"}, {URL: "https://ok.test/ep.mp3"}}},
		{GUID: "h2", Link: " &#106;avascript:alert(2)", Title: "Encoded link", Published: t0.Add(-time1), Updated: t0.Add(-time1), Content: "<p>x</p>"},
		{GUID: "h3", Link: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", Title: "Data link", Published: t0.Add(-2 * time1), Updated: t0.Add(-2 * time1)},
		{GUID: "h4", Link: "https://ok.test/post", Title: "Fine", Published: t0.Add(-3 * time1), Updated: t0.Add(-3 * time1)},
	}
	apply(t, st, "alpha", store.SourceState{URL: "https://user:hunter2@feeds.test/feed?token=s3cret&page=1",
		Title: "Hostile", Link: "javascript:alert('channel')"}, arts...)
	apply(t, st, "beta", store.SourceState{URL: "http://beta.test/rss", EffectiveURL: "https://u:pw@beta.test/moved?api_key=s3cret",
		Title: "Beta", Link: "data:image/svg+xml;base64,PHN2Zz4="}, article.Article{GUID: "b1", Link: "https://beta.test/1", Title: "B", Published: t0, Updated: t0})
	return st
}

const time1 = 3600e9 // an hour, as a time.Duration

// TestEveryEmittedURLIsAllowed renders hostile articles and sources in all
// four outputs and parses each: no URL anywhere has a scheme outside the
// allow-list (http, https; mailto in links; data: only for raster images
// in <img src>).
func TestEveryEmittedURLIsAllowed(t *testing.T) {
	cfg := testConfig()
	cfg.Feed.Icon = "javascript:alert('icon')"
	cfg.Feed.WebSubHub = "vbscript:hub"
	p := New(cfg, hostileStore(t), nil)
	h := p.Handler()
	for _, tc := range []struct {
		path  string
		check func(*testing.T, []byte) int
	}{
		{"/feed.atom", checkXMLURLs},
		{"/feed.rss", checkXMLURLs},
		{"/feed.json", checkJSONURLs},
		{"/", func(t *testing.T, b []byte) int { return checkHTMLURLs(t, "page", string(b)) }},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, b := get(t, h, tc.path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %s", tc.path, resp.Status)
			}
			if n := tc.check(t, b); n < 5 {
				t.Errorf("only %d URLs checked: the parser missed the fields", n)
			}
			for _, want := range []string{"https://ok.test/post", "https://ok.test/b.png 2x"} {
				if tc.path != "/" && !bytes.Contains(b, []byte(want)) {
					t.Errorf("safe URL %q was dropped", want)
				}
			}
			if tc.path != "/" && !bytes.Contains(b, []byte("mailto:ok@example.com")) {
				t.Error("mailto link in content was dropped")
			}
		})
	}
}

// checkURL fails when v, as a browser would read it, has a scheme the place
// does not allow.
func checkURL(t *testing.T, place, v string, mailto, dataImage bool) {
	t.Helper()
	d := v
	for range 4 {
		d = html.UnescapeString(d)
	}
	d = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, d))
	m := regexp.MustCompile(`^([a-z][a-z0-9+.-]*):`).FindStringSubmatch(d)
	if m == nil {
		return // relative
	}
	switch m[1] {
	case "http", "https":
		return
	case "mailto":
		if mailto {
			return
		}
	case "data":
		if dataImage && regexp.MustCompile(`^data:image/(png|gif|jpeg|webp|avif)[;,]`).MatchString(d) {
			return
		}
	case "urn":
		if strings.HasPrefix(d, "urn:uuid:") && (strings.HasSuffix(place, "id") || strings.HasSuffix(place, "guid")) {
			return
		}
	}
	t.Errorf("%s: forbidden URL %q", place, v)
}

// checkHTMLURLs checks every URL attribute of an HTML fragment or page.
func checkHTMLURLs(t *testing.T, place, s string) int {
	t.Helper()
	n := 0
	z := nethtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			return n
		}
		if tt != nethtml.StartTagToken && tt != nethtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			switch a.Key {
			case "href", "src", "cite", "poster", "action", "formaction", "background", "longdesc", "data":
				n++
				checkURL(t, place+" <"+tok.Data+" "+a.Key+">", a.Val, a.Key == "href" && tok.Data == "a", a.Key == "src" && tok.Data == "img")
			case "srcset":
				for _, c := range strings.Split(a.Val, ",") {
					if f := strings.Fields(c); len(f) > 0 {
						n++
						checkURL(t, place+" <"+tok.Data+" srcset>", f[0], false, false)
					}
				}
			}
		}
	}
}

// checkXMLURLs checks an Atom or RSS document: URL attributes, URL
// elements, and the URLs inside its HTML fields.
func checkXMLURLs(t *testing.T, b []byte) int {
	t.Helper()
	n := 0
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			stack = append(stack, el.Name.Local)
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "href", "url", "src", "uri", "xmlUrl", "htmlUrl", "domain":
					n++
					checkURL(t, strings.Join(stack, "/")+"@"+a.Name.Local, a.Value, false, false)
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			place := strings.Join(stack, "/")
			switch stack[len(stack)-1] {
			case "link", "url", "icon", "logo", "comments", "docs", "guid", "id", "commentRss":
				n++
				checkURL(t, place, strings.TrimSpace(string(el)), false, false)
			case "content", "summary", "description", "encoded":
				n += checkHTMLURLs(t, place, string(el))
			}
		}
	}
}

// checkJSONURLs checks a JSON Feed: every member named like a URL, and the
// URLs inside content_html.
func checkJSONURLs(t *testing.T, b []byte) int {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	n := 0
	var walk func(string, any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				p := path + "." + k
				if s, ok := c.(string); ok {
					switch {
					case k == "content_html":
						n += checkHTMLURLs(t, p, s)
					case k == "id" || strings.HasSuffix(k, "url") || k == "icon" || k == "favicon" || k == "image" || k == "banner_image" || k == "avatar":
						n++
						checkURL(t, p, s, false, false)
					}
					continue
				}
				walk(p, c)
			}
		case []any:
			for _, c := range x {
				walk(path+"[]", c)
			}
		}
	}
	walk("", v)
	return n
}

// TestPublishedSourceURLsHaveNoCredentials: a source URL with userinfo and
// a token, and a permanent redirect to one, appear in every published
// format and in /opml without them, the rest of the URL kept.
func TestPublishedSourceURLsHaveNoCredentials(t *testing.T) {
	cfg := testConfig()
	cfg.Sources[0].URL = "https://user:hunter2@feeds.test/feed?token=s3cret&page=1"
	p := New(cfg, hostileStore(t), nil)
	h := p.Handler()
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/", "/opml"} {
		resp, b := get(t, h, path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", path, resp.Status)
		}
		for _, leak := range []string{"hunter2", "s3cret", "user:", "u:pw", "@feeds.test", "@beta.test", "token", "api_key"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s publishes %q:\n%s", path, leak, b)
			}
		}
		if path == "/" {
			continue
		}
		for _, want := range []string{"https://feeds.test/feed?page=1", "https://beta.test/moved"} {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("%s lacks the source URL %q without its credentials", path, want)
			}
		}
	}
}
