package fetcher

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestErrorsDoNotLeakCredentials fetches sources whose URLs carry a
// password and a token from a server that fails, one that refuses
// connections and one that permanently redirects to a signed URL: the
// outcome (what `tributary fetch` prints), the stored error (what status
// shows) and the log lines name the URLs without them.
func TestErrorsDoNotLeakCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved.xml" {
			http.Redirect(w, r, "/signed.xml?X-Amz-Signature=s3cr3tsig&v=1", http.StatusMovedPermanently)
			return
		}
		http.Error(w, "no", http.StatusForbidden)
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	cfg := testConfig(
		src("forbidden", "http://me:hunter2pw@"+host+"/feed.xml?token=s3cr3tT0ken&page=2"),
		src("refused", "http://me:hunter2pw@"+refused+"/feed.xml?apikey=s3cr3tT0ken"),
		src("moved", "http://me:hunter2pw@"+host+"/moved.xml?auth=s3cr3tT0ken"),
	)
	var logs bytes.Buffer
	st := newStore(t)
	f := New(cfg, st, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	var shown []string
	for _, o := range f.Once(context.Background()) {
		shown = append(shown, o.String())
	}
	states, err := st.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		shown = append(shown, s.Error)
	}
	shown = append(shown, logs.String())
	all := strings.Join(shown, "\n")
	for _, secret := range []string{"hunter2pw", "s3cr3tT0ken", "s3cr3tsig", "me:"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q shown:\n%s", secret, all)
		}
	}
	for _, want := range []string{"/feed.xml?token=REDACTED&page=2: 403 Forbidden", "connection refused", "/feed.xml?apikey=REDACTED"} {
		if !strings.Contains(all, want) {
			t.Errorf("%q not shown:\n%s", want, all)
		}
	}
}
