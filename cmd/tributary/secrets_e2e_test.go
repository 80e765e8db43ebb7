package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// privateFeed links its item relatively: resolved against the feed URL, a
// careless resolver would carry the feed's credentials into the article.
const privateFeed = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Private</title><link>/</link>
<item><title>Members only</title><link>/posts/1</link><guid>p1</guid>
<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;See &lt;a href="/posts/0"&gt;the last one&lt;/a&gt;.&lt;/p&gt;</description></item>
</channel></rss>`

// TestCredentialsInSourceURLsStayPrivate runs the daemon on sources whose
// URLs carry a password and a token: one that works (the server checks
// both), one answering 500, one refusing connections. The secrets are used,
// and appear nowhere: not in the log lines (errors included), the feeds,
// the page, /opml, /api/sources or `tributary status`.
func TestCredentialsInSourceURLsStayPrivate(t *testing.T) {
	const password, token = "hunter2pw", "s3cr3tT0ken"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "reader" || pass != password || r.URL.Query().Get("token") != token {
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/private.xml" {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, privateFeed)
			return
		}
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()

	host := strings.TrimPrefix(srv.URL, "http://")
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
jitter = "0s"
timeout = "5s"
[[source]]
name = "private"
url = "http://reader:%[2]s@%[3]s/private.xml?token=%[4]s&lang=en"
[[source]]
name = "broken"
url = "http://reader:%[2]s@%[3]s/broken.xml?token=%[4]s"
[[source]]
name = "refused"
url = "http://reader:%[2]s@%[5]s/feed.xml?api_key=%[4]s"
`, addr, password, host, token, refused))
	d := startDaemon(t, cfgPath, addr, "--log-level", "debug")
	waitFor(t, "three fetch lines", func() bool { return strings.Count(d.stderr.String(), "msg=fetch ") >= 3 }, d.stderr)

	outputs := map[string]string{}
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/", "/opml", "/api/sources"} {
		resp, body := get(t, "http://"+addr+path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", path, resp.Status)
		}
		outputs[path] = string(body)
	}
	status, _ := runCLI(t, "status", "--config", cfgPath)
	outputs["tributary status"] = status
	statusJSON, _ := runCLI(t, "status", "--json", "--config", cfgPath)
	outputs["tributary status --json"] = statusJSON
	d.stop(t)
	outputs["the log"] = d.stderr.String()

	for name, out := range outputs {
		for _, secret := range []string{password, token, "reader:", "reader@"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s holds %q:\n%s", name, secret, out)
			}
		}
	}
	// The secrets were sent, and the feed's article is published.
	if !strings.Contains(outputs["/feed.atom"], "Members only") || !strings.Contains(outputs["/feed.atom"], srv.URL+"/posts/1") {
		t.Errorf("the private feed's article is not published with its link %s/posts/1:\n%s", srv.URL, outputs["/feed.atom"])
	}
	// Published source URLs keep what is not secret; logged ones say what
	// was redacted.
	for _, path := range []string{"/feed.atom", "/feed.json", "/opml"} {
		if want := srv.URL + "/private.xml?lang=en"; !strings.Contains(outputs[path], want) {
			t.Errorf("%s lacks the source URL %s", path, want)
		}
	}
	for _, name := range []string{"the log", "/api/sources", "tributary status"} {
		if want := "/broken.xml?token=REDACTED"; !strings.Contains(outputs[name], want) {
			t.Errorf("%s does not name the failing URL as %s:\n%s", name, want, outputs[name])
		}
	}
	if !strings.Contains(outputs["the log"], "500 Internal Server Error") || !strings.Contains(outputs["the log"], "connection refused") {
		t.Errorf("the log lacks the errors:\n%s", outputs["the log"])
	}
}
