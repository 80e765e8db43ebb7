// Package feedgen makes the synthetic feeds the benchmarks serve: RSS 2.0
// documents shaped like real blogs (dc:creator, slash:comments,
// content:encoded with about 1.5 KB of HTML per item), and a loopback server
// for them that answers conditional requests as a well-behaved site would.
package feedgen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Feed returns source i's document with n items.
func Feed(i, n int) []byte {
	var b strings.Builder
	b.Grow(n * 2200)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
<title>Source %d</title>
<link>https://source%d.example/</link>
<description>Synthetic source %d</description>
`, i, i, i)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for j := range n {
		pub := base.Add(time.Duration(i*n+j) * time.Minute)
		fmt.Fprintf(&b, `<item>
<title>Article %d of source %d</title>
<link>https://source%d.example/posts/%d</link>
<guid isPermaLink="true">https://source%d.example/posts/%d</guid>
<dc:creator>Author %d</dc:creator>
<pubDate>%s</pubDate>
<slash:comments>%d</slash:comments>
<description>Summary of article %d: the first lines of the post, as feeds give them.</description>
<content:encoded><![CDATA[%s]]></content:encoded>
</item>
`, j, i, i, j, i, j, (i+j)%17, pub.Format(time.RFC1123Z), (i*7+j)%40, j, body(i, j))
	}
	b.WriteString("</channel>\n</rss>\n")
	return []byte(b.String())
}

const para = `<p>Rivers carry what the hills let go: silt, leaves, the odd boot. ` +
	`Downstream, the <a href="https://example.org/delta">delta</a> sorts it by weight, ` +
	`and the <em>estuary</em> keeps the rest for a season or two.</p>`

func body(i, j int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<h2>Part %d.%d</h2>`, i, j)
	for k := 0; b.Len() < 1400; k++ {
		b.WriteString(para)
		if k == 2 {
			fmt.Fprintf(&b, `<img src="/images/%d-%d.jpg" alt="figure">`, i, j)
		}
	}
	return b.String()
}

// Server serves Feed(i, Items) at /feed/i.xml on loopback with an ETag, and
// answers If-None-Match with 304.
type Server struct {
	Items int
	URL   string // http://127.0.0.1:PORT
	// Changing, set before the first request, makes every answer new bytes
	// (a comment numbering the request after the XML declaration) without
	// an ETag: each fetch parses and normalises the whole feed again.
	Changing bool

	Requests, NotModified atomic.Int64

	docs  [][]byte
	etags []string
	srv   *http.Server
}

// Start generates n feeds and serves them on a free loopback port.
func Start(n, items int) (*Server, error) { return StartOn("127.0.0.1:0", n, items) }

// StartOn is Start on addr (a loopback address), so that a store built by
// an earlier run finds its sources' URLs unchanged.
func StartOn(addr string, n, items int) (*Server, error) {
	s := &Server{Items: items, docs: make([][]byte, n), etags: make([]string, n)}
	for i := range n {
		s.docs[i] = Feed(i, items)
		s.etags[i] = fmt.Sprintf(`"%x"`, sha256.Sum256(s.docs[i]))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s}
	go s.srv.Serve(ln)
	return s, nil
}

// Docs returns the documents served, for parsing them in-process.
func (s *Server) Docs() [][]byte { return s.docs }

// FeedURL is source i's URL.
func (s *Server) FeedURL(i int) string { return fmt.Sprintf("%s/feed/%d.xml", s.URL, i) }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/feed/"), ".xml")
	i, err := strconv.Atoi(name)
	if err != nil || i < 0 || i >= len(s.docs) {
		http.NotFound(w, r)
		return
	}
	if s.Changing {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		doc := s.docs[i]
		k := bytes.IndexByte(doc, '\n') + 1
		w.Write(doc[:k])
		fmt.Fprintf(w, "<!-- request %d -->\n", s.Requests.Load())
		w.Write(doc[k:])
		return
	}
	w.Header().Set("ETag", s.etags[i])
	if r.Header.Get("If-None-Match") == s.etags[i] {
		s.NotModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(s.docs[i])
}
