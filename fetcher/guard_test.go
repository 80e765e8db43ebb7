package fetcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/tributary-feeds/tributary/config"
)

func TestIsPrivate(t *testing.T) {
	private := []string{
		// IPv4
		"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
		"127.0.0.1", "127.1.2.3", "169.254.169.254", "169.254.0.1", "172.16.0.1", "172.31.255.255",
		"192.0.0.1", "192.0.0.170", "192.0.2.1", "192.88.99.1", "192.168.0.1", "198.18.0.1", "198.19.255.255",
		"198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
		// IPv4-mapped forms of the same
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:100.64.0.1", "::ffff:0.0.0.0",
		"::ffff:198.18.0.1", "::ffff:224.0.0.1", "::ffff:255.255.255.255",
		// IPv4-compatible (deprecated), IPv4-translated
		"::127.0.0.1", "::10.0.0.1", "::8.8.8.8", "::ffff:0:8.8.8.8",
		// IPv6
		"::", "::1", "fc00::1", "fd00::1", "fdff:ffff::1", "fe80::1", "fe80::1%eth0", "febf::1", "fec0::1", "feff::1",
		"ff02::1", "ff05::1:3", "ff0e::1", "100::1", "2001:db8::1", "3fff::1", "2001:2::1", "2001:10::1", "2001:20::1",
		"5f00::1", "4000::1", "e000::1",
		// NAT64 (well-known and local-use), 6to4 and Teredo embedding private IPv4
		"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "64:ff9b::6440:1", "64:ff9b::c000:1",
		"64:ff9b:1::808:808", "64:ff9b:1:a00::1",
		"2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:c0a8:1::1", "2002:6440:1::", "2002:0:1::1",
		"2001:0:a00:1::1",                      // Teredo server 10.0.0.1
		"2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo client ^80ff:fffe = 127.0.0.1
	}
	public := []string{
		"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
		"192.0.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.0", "223.255.255.255", "169.253.255.255",
		"::ffff:8.8.8.8", "::ffff:93.184.216.34",
		"2606:2800:220:1:248:1893:25c8:1946", "2a00:1450:4001:82a::200e", "2001:4860:4860::8888",
		"64:ff9b::808:808",                     // NAT64 of 8.8.8.8
		"2002:808:808::1",                      // 6to4 of 8.8.8.8
		"2001:0:4136:e378:8000:63bf:f7f7:f7f7", // Teredo: server 65.54.227.120, client 8.8.8.8
	}
	for _, s := range private {
		if !isPrivate(netip.MustParseAddr(s)) {
			t.Errorf("%s: public, want private", s)
		}
	}
	for _, s := range public {
		if isPrivate(netip.MustParseAddr(s)) {
			t.Errorf("%s: private, want public", s)
		}
	}
	if !isPrivate(netip.Addr{}) {
		t.Errorf("the zero Addr is public")
	}
}

// fakeNet resolves test host names (public.test, private.test, …) to
// simulated addresses, which the guard classifies, and connects every
// address it lets through to one loopback server, which tells the hosts
// apart by the Host header.
type fakeNet struct {
	srv   *httptest.Server
	hosts map[string][]netip.Addr
}

func newFakeNet(t *testing.T, h http.Handler) *fakeNet {
	n := &fakeNet{srv: serve(t, h), hosts: map[string][]netip.Addr{}}
	for name, addr := range map[string]string{
		"public.test":  "93.184.216.34",
		"public2.test": "2606:2800:220:1:248:1893:25c8:1946",
		"private.test": "10.1.2.3",
		"meta.test":    "169.254.169.254",
		"cgnat.test":   "100.64.1.2",
		"nat64.test":   "64:ff9b::a01:203", // 10.1.2.3 through NAT64
		"mapped.test":  "::ffff:127.0.0.1",
	} {
		n.hosts[name] = []netip.Addr{netip.MustParseAddr(addr)}
	}
	return n
}

func (n *fakeNet) options() Options {
	return Options{
		Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
			if a, ok := n.hosts[host]; ok {
				return a, nil
			}
			return nil, fmt.Errorf("no such host %s", host)
		},
		Connect: func(ctx context.Context, network string, _ netip.AddrPort) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", n.srv.Listener.Addr().String())
		},
	}
}

// TestFeedRedirectsArePrivateAddressChecked: a feed on a public address
// that redirects to a private one (by name or literal, through every
// embedding) is refused at that hop, with an error naming the URL and the
// address, and nothing it would have served is stored. The configured host
// itself is trusted, on every hop; with allow_private everything is
// followed.
func TestFeedRedirectsArePrivateAddressChecked(t *testing.T) {
	hits := newCounter()
	mux := http.NewServeMux()
	feed := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(rssFeed("http://"+r.Host, "internal-"+r.Host)))
	}
	for _, host := range []string{"public2.test", "private.test", "meta.test", "cgnat.test", "nat64.test", "mapped.test", "169.254.169.254", "[fd00::1]"} {
		mux.HandleFunc(host+"/feed", feed)
	}
	mux.HandleFunc("private.test/own", feed)
	redirect := func(from, to string) {
		mux.Handle(from, http.RedirectHandler(to, http.StatusFound))
	}
	redirect("public.test/to-private", "http://private.test/feed")
	redirect("public.test/to-meta", "http://meta.test/feed")
	redirect("public.test/to-cgnat", "http://cgnat.test/feed")
	redirect("public.test/to-nat64", "http://nat64.test/feed")
	redirect("public.test/to-mapped", "http://mapped.test/feed")
	redirect("public.test/to-literal", "http://169.254.169.254/feed")
	redirect("public.test/to-literal6", "http://[fd00::1]/feed")
	redirect("public.test/to-public", "http://public2.test/feed")
	redirect("public.test/twice", "http://public2.test/to-private")
	redirect("public2.test/to-private", "http://private.test/feed")
	redirect("private.test/feed-moved", "http://private.test/own") // the configured host: trusted
	redirect("private.test/to-meta", "http://meta.test/feed")      // but not where it sends us
	nw := newFakeNet(t, hits.wrap(mux))

	refused := map[string]string{
		"to-private":           "redirect to http://private.test/feed: refused private address 10.1.2.3",
		"to-meta":              "redirect to http://meta.test/feed: refused private address 169.254.169.254",
		"to-cgnat":             "redirect to http://cgnat.test/feed: refused private address 100.64.1.2",
		"to-nat64":             "redirect to http://nat64.test/feed: refused private address 64:ff9b::a01:203",
		"to-mapped":            "redirect to http://mapped.test/feed: refused private address ::ffff:127.0.0.1",
		"to-literal":           "redirect to http://169.254.169.254/feed: refused private address 169.254.169.254",
		"to-literal6":          "redirect to http://[fd00::1]/feed: refused private address fd00::1",
		"twice":                "redirect to http://private.test/feed: refused private address 10.1.2.3",
		"from-private-to-meta": "redirect to http://meta.test/feed: refused private address 169.254.169.254",
	}
	cfg := testConfig()
	for _, name := range []string{"to-private", "to-meta", "to-cgnat", "to-nat64", "to-mapped", "to-literal", "to-literal6", "twice", "to-public"} {
		cfg.Sources = append(cfg.Sources, src(name, "http://public.test/"+name))
	}
	cfg.Sources = append(cfg.Sources,
		src("own-private", "http://private.test/feed-moved"),
		src("from-private-to-meta", "http://private.test/to-meta"))
	st := newStore(t)
	f := NewWithOptions(cfg, st, nil, nw.options())
	outs := byName(f.Once(context.Background()))
	for name, want := range refused {
		o := outs[name]
		if o.Result != ResultError || o.Err == nil || !strings.Contains(o.Err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", name, o, want)
			continue
		}
		var pe *PrivateAddressError
		if !errors.As(o.Err, &pe) || pe.Source != name || !pe.Redirect {
			t.Errorf("%s: error %#v is not a *PrivateAddressError naming the source", name, pe)
		}
		if !strings.HasPrefix(o.Err.Error(), "GET http://public.test/") && !strings.HasPrefix(o.Err.Error(), "GET http://private.test/") {
			t.Errorf("%s: error %q does not name the feed", name, o.Err)
		}
		if line := o.String(); !strings.HasPrefix(line, name+": error: GET http://") {
			t.Errorf("%s: outcome line %q does not name the source, then the feed", name, line)
		}
		if s := stateOf(t, st, name); !strings.Contains(s.Error, want) {
			t.Errorf("%s: status shows %q", name, s.Error)
		}
		if arts := articles(t, st, name); len(arts) != 0 {
			t.Errorf("%s: %d articles stored from a refused redirect", name, len(arts))
		}
	}
	if n := hits.get("/feed"); n != 1 { // public2.test's, for to-public
		t.Errorf("%d requests reached a /feed, want 1 (public2.test's)", n)
	}
	for _, name := range []string{"to-public", "own-private"} {
		if o := outs[name]; o.Result != ResultNew {
			t.Errorf("%s: %v", name, o)
		}
	}

	// allow_private: every redirect is followed.
	cfg2 := *cfg
	cfg2.Fetch.AllowPrivate = true
	f.Reload(&cfg2)
	for name, o := range byName(f.Once(context.Background())) {
		if o.Result == ResultError {
			t.Errorf("allow_private: %s: %v", name, o)
			continue
		}
		if refused[name] != "" && len(articles(t, st, name)) != 1 {
			t.Errorf("allow_private: %s: nothing stored", name)
		}
	}
}

// TestTrustedConnectionsAreNotReused: a connection opened to a source's
// configured private host is never reused by another source's redirect to
// that host, which is checked (a pooled connection is not dialled again).
func TestTrustedConnectionsAreNotReused(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("private.test/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://private.test", "internal")))
	})
	mux.Handle("public.test/to-private", http.RedirectHandler("http://private.test/feed", http.StatusFound))
	nw := newFakeNet(t, mux)
	cfg := testConfig(src("lan", "http://private.test/feed"), src("outside", "http://public.test/to-private"))
	st := newStore(t)
	f := NewWithOptions(cfg, st, nil, nw.options())
	if o := f.Once(context.Background(), "lan")[0]; o.Result != ResultNew {
		t.Fatalf("the configured private host: %v", o)
	}
	o := f.Once(context.Background(), "outside")[0]
	var pe *PrivateAddressError
	if !errors.As(o.Err, &pe) || pe.Addr != netip.MustParseAddr("10.1.2.3") {
		t.Errorf("a redirect to the trusted host of another source: %v", o)
	}
	if n := len(articles(t, st, "outside")); n != 0 {
		t.Errorf("%d articles stored through a reused connection", n)
	}
}

// TestPagesRefusedAfterDNS: without hooks, the real dialer's Control sees
// the address a name resolved to: a page on "localhost" is refused as
// loopback, and the error names the page and the address.
func TestPagesRefusedAfterDNS(t *testing.T) {
	pageHits := newCounter()
	var base string
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed(base, "a")))
	})
	mux.HandleFunc("/page/", func(w http.ResponseWriter, r *http.Request) { articlePage(w, r) })
	srv := serve(t, pageHits.wrap(mux))
	base = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	cfg := testConfig(config.Source{Name: "blog", URL: srv.URL + "/feed", Enrich: true})
	st := newStore(t)
	if o := New(cfg, st, log).Once(context.Background())[0]; o.Result != ResultNew {
		t.Fatal(o)
	}
	if n := pageHits.get("/page/a"); n != 0 {
		t.Errorf("a page on localhost was fetched")
	}
	if !strings.Contains(logs.String(), "GET "+base+"/page/a: refused private address ") {
		t.Errorf("no refusal naming the page logged:\n%s", logs.String())
	}
	if s := stateOf(t, st, "blog"); s.EnrichFailures != 1 || len(s.Unenriched) != 1 {
		t.Errorf("failures %d, owed %v", s.EnrichFailures, s.Unenriched)
	}
}
