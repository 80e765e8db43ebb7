package publisher

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tributary-feeds/tributary/store"
)

// TestStatusStrip: the operator (loopback without admin_token, or bearing
// it) sees "N of M sources failing" on the HTML page; anonymous readers
// never do, and the cached page they get never holds it, unless
// [feed].show_status is set.
func TestStatusStrip(t *testing.T) {
	st := sampleStore(t)
	cfg := testConfig()
	const strip = "1 of 2 sources failing — <a href=\"http://tributary.test/api/sources\">see status</a>"
	if err := st.SaveStates(context.Background(), store.SourceState{Name: "beta", URL: "http://beta.test/rss",
		Error: "GET http://beta.test/rss: 503 Service Unavailable", Failures: 2, Title: "Beta Cast"}); err != nil {
		t.Fatal(err)
	}
	p := New(cfg, st, nil)
	h := p.Handler()
	page := func(remote, auth string) (*http.Response, string) {
		t.Helper()
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = remote
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		resp := rec.Result()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET / from %s: %s", remote, resp.Status)
		}
		return resp, string(b)
	}
	const lo, far = "127.0.0.1:5000", "192.0.2.7:5000"
	anonymous := func(when string) {
		t.Helper()
		resp, body := page(far, "")
		if strings.Contains(body, "failing") || strings.Contains(body, "status-strip") {
			t.Errorf("%s: an anonymous reader sees the strip", when)
		}
		if resp.Header.Get("ETag") == "" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") {
			t.Errorf("%s: anonymous page not the cached one: %v", when, resp.Header)
		}
	}
	anonymous("before the operator looked")
	resp, body := page(lo, "")
	if !strings.Contains(body, strip) {
		t.Errorf("operator on loopback: no strip:\n%s", body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" || resp.Header.Get("ETag") != "" {
		t.Errorf("the page with the strip is cacheable: Cache-Control %q, ETag %q", cc, resp.Header.Get("ETag"))
	}
	wellFormedHTML(t, []byte(body))
	anonymous("after the operator looked")

	// With admin_token set, loopback alone is not enough.
	withToken := *cfg
	withToken.Server.AdminToken = "s3cret"
	p.Reload(&withToken)
	if _, body := page(lo, ""); strings.Contains(body, "failing") {
		t.Errorf("loopback without the token sees the strip once admin_token is set")
	}
	if _, body := page(far, "s3cret"); !strings.Contains(body, strip) {
		t.Errorf("a reader bearing the admin token sees no strip")
	}
	if _, body := page(far, "wrong"); strings.Contains(body, "failing") {
		t.Errorf("a wrong token sees the strip")
	}

	// show_status: everyone sees it.
	shown := *cfg
	shown.Feed.ShowStatus = true
	p.Reload(&shown)
	if _, body := page(far, ""); !strings.Contains(body, strip) {
		t.Errorf("show_status = true: anonymous reader sees no strip")
	}

	// Nothing failing: no strip, the cached page, for the operator too.
	if err := st.SaveStates(context.Background(), store.SourceState{Name: "beta", URL: "http://beta.test/rss", Title: "Beta Cast"}); err != nil {
		t.Fatal(err)
	}
	p.Reload(cfg)
	if resp, body := page(lo, ""); strings.Contains(body, "failing") || resp.Header.Get("ETag") == "" {
		t.Errorf("no source failing: strip or uncached page shown")
	}
}
